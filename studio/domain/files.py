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
