"""Writing files so that a crash, a full disk or an exception never leaves half a file.

The pattern (Qt's QSaveFile does the same): write a temporary file in the target's folder,
flush it to the disk, rename it over the target in one step, then flush the folder entry.
It lives in the bottom layer with the image files so every layer (project, engine caches,
training outputs, the CLI) writes through this one helper.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def temporary_sibling(target: Path, suffix: str = ".tmp") -> Path:
    """A new, empty file next to ``target`` (same file system, so a rename is atomic).

    Created with the usual permissions (the umask applies), unlike :func:`tempfile.mkstemp`'s
    owner-only files, because it becomes the user's file.
    """
    # A name that is legal for the target may be too long once decorated: shorten the stem
    # part (the temporary name only has to be unique, not readable) to fit NAME_MAX bytes.
    room = _name_max(target.parent) - len(f"..{'0' * 8}{suffix}".encode())
    stem = target.name.encode()[: max(room, 1)].decode("utf-8", "ignore")
    for _ in range(100):
        candidate = target.with_name(f".{stem}.{secrets.token_hex(4)}{suffix}")
        try:
            descriptor = os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except FileExistsError:
            continue
        os.close(descriptor)
        return candidate
    raise FileExistsError(f"no free temporary name next to {target}")


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def fsync_file(path: Path) -> None:
    """Flush a file's data to the disk."""
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def fsync_directory(folder: Path) -> None:
    """Flush a folder's entries, so a rename inside it survives a power loss (POSIX only)."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def atomic_write_with(
    target: Path, write: Callable[[Path], object], *, suffix: str = ".tmp"
) -> None:
    """Replace ``target`` with what ``write(temporary_path)`` puts in a file beside it.

    For writers that want a path (``torch.save``, safetensors' ``save_file``, SQLite's
    backup). The file and its folder are flushed to the disk; on any failure, ``target`` is
    unchanged and the temporary file is gone.

    Parameters
    ----------
    target
        The file to create or replace; its folder must exist.
    write
        Called once with the temporary file (already created, empty); writes it completely.
    suffix
        Ending of the temporary file's name (``.saving`` for a project being saved ...).

    Raises
    ------
    OSError
        From the file system (``ENOSPC``, ``EACCES`` ...); whatever ``write`` raises also
        propagates.
    """
    temporary = temporary_sibling(target, suffix)
    try:
        write(temporary)
        fsync_file(temporary)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    fsync_directory(target.parent)


def atomic_write_stream(target: Path, write: Callable[[BinaryIO], object]) -> None:
    """Replace ``target`` with what ``write(file)`` writes into an open binary file.

    For writers that take a file object (``numpy.save``, ``Image.save``). Same guarantees as
    :func:`atomic_write_with`.
    """

    def write_file(temporary: Path) -> None:
        with open(temporary, "wb") as handle:
            write(handle)

    atomic_write_with(target, write_file)


def atomic_write_bytes(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data`` in one step; on any failure ``target`` is unchanged.

    Raises
    ------
    OSError
        From the file system (``ENOSPC``, ``EACCES`` ...); the temporary file is removed.
    """
    atomic_write_stream(target, lambda handle: handle.write(data))


def free_sibling_name(path: Path, suffix: str) -> Path:
    """``path`` + ``suffix`` if nothing is there, else with ``-2``, ``-3`` ... appended."""
    candidate = path.with_name(path.name + suffix)
    number = 2
    while os.path.lexists(candidate):
        candidate = path.with_name(f"{path.name}{suffix}-{number}")
        number += 1
    return candidate


def set_aside(path: Path) -> Path:
    """Rename a damaged file to ``NAME.damaged-YYYYmmdd-HHMMSS`` beside it; never delete it.

    Returns
    -------
    Path
        Where the file now is.

    Raises
    ------
    OSError
        If the rename fails (the file stays where it was).
    """
    destination = free_sibling_name(path, f".damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    os.replace(path, destination)
    return destination
