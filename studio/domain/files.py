"""Refusing special files (FIFOs, devices, sockets) before anything opens them (RELIABILITY 22).

Opening a FIFO for reading blocks until a writer appears, and a device can stream without end,
so every file a user names is checked with ``stat`` first: only regular files (and folders, where
the caller asks for one) are ever opened.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def special_file_kind(path: Path | str) -> str | None:
    """What kind of special file ``path`` is ("a named pipe (FIFO)", ...), else ``None``.

    Missing files and regular files or folders give ``None``; symlinks are followed.
    """
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), None)


def require_regular_file(path: Path | str, error: type[Exception]) -> None:
    """Raise ``error`` with one line naming ``path`` if it is a FIFO, device or socket.

    Parameters
    ----------
    path
        The file a user gave.
    error
        The :class:`~studio.domain.errors.StudioError` subclass to raise.
    """
    kind = special_file_kind(path)
    if kind is not None:
        name = Path(path).name or str(path)
        raise error(f"{name} is {kind}, not a file: choose a regular file instead.")


_NON_BLOCK = getattr(os, "O_NONBLOCK", 0)
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


def read_user_bytes(
    path: Path | str,
    *,
    max_bytes: int,
    what: str,
    error: type[Exception],
    follow_symlinks: bool = True,
) -> bytes:
    """Read a file the user named, refusing anything that could hang or exhaust memory.

    Special files are refused before they are opened (a FIFO blocks, ``/dev/zero`` never ends),
    the size is checked from ``stat`` before a byte is read (a 2 GB sparse file costs nothing),
    and the read itself stops one byte past the limit, so a file that grows meanwhile or a race
    that swaps it for a pipe (opened non-blocking, checked again with ``fstat``) still cannot.

    Parameters
    ----------
    path
        The file, as the user gave it.
    max_bytes
        The largest file accepted.
    what
        What the file is for, for the message (``"wildcard file"``, ``"batch spec"``).
    error
        The :class:`~studio.domain.errors.StudioError` subclass to raise.
    follow_symlinks
        ``False`` for a file Studio itself wrote in a folder (a batch's manifest): a symlink
        planted in its place is refused, not read through (``O_NOFOLLOW``).

    Raises
    ------
    error
        One line naming the file and what to do.
    """
    shown = str(path)
    if follow_symlinks:
        require_regular_file(path, error)
    flags = os.O_RDONLY | _NON_BLOCK | (0 if follow_symlinks else _NO_FOLLOW)
    try:
        descriptor = os.open(path, flags)
    except IsADirectoryError:
        raise error(f"{shown} is a folder; name a {what} instead.") from None
    except FileNotFoundError:
        raise error(f"{shown} does not exist; check the {what}'s path.") from None
    except OSError as exc:
        if not follow_symlinks and os.path.islink(path):
            raise error(
                f"{shown} is a symbolic link, which Studio does not read through."
            ) from None
        raise error(f"Cannot read {what} {shown}: {exc.strerror or exc}.") from None
    try:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise error(f"{shown} is a folder; name a {what} instead.")
        if not stat.S_ISREG(status.st_mode):
            raise error(f"{shown} is not a regular file: choose a regular {what} instead.")
        if status.st_size > max_bytes:
            raise error(_too_large(shown, what, max_bytes))
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            data = stream.read(max_bytes + 1)
    except OSError as exc:
        raise error(f"Cannot read {what} {shown}: {exc.strerror or exc}.") from None
    finally:
        os.close(descriptor)
    if len(data) > max_bytes:
        raise error(_too_large(shown, what, max_bytes))
    return data


def read_user_text(path: Path | str, *, max_bytes: int, what: str, error: type[Exception]) -> str:
    """:func:`read_user_bytes`, decoded as UTF-8 (a byte-order mark is dropped).

    Raises
    ------
    error
        As :func:`read_user_bytes`, or if the file is not UTF-8 text.
    """
    data = read_user_bytes(path, max_bytes=max_bytes, what=what, error=error)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(
            f"{path} is not UTF-8 text (byte {exc.start + 1}); save the {what} as UTF-8."
        ) from None


def _too_large(shown: str, what: str, max_bytes: int) -> str:
    return (
        f"{shown} is larger than {_size(max_bytes)}, more than any {what} needs; "
        "check that it is the right file."
    )


def _size(count: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:g} {unit}"
    return f"{count} bytes"
