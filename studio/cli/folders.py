"""Output and cache folders named on the command line, checked before any work (RELIABILITY 21).

``--out`` naming a file, or a folder inside a file, used to surface as ``FileExistsError`` or
``NotADirectoryError`` from ``mkdir`` at the end of the work (after a scorer trained, after a
dataset rendered): a bug exit, and the work lost. :func:`check_folder_option` says so first,
without creating anything, so a refused command leaves nothing behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from studio.domain.errors import InvalidRequestError


def check_folder_option(path: Path, flag: str) -> None:
    """Refuse a folder option that could not become a folder Studio can write in.

    Parameters
    ----------
    path
        The folder as given; it need not exist yet.
    flag
        The option, for the message (``"--out"``).

    Raises
    ------
    InvalidRequestError
        If ``path`` is a file, lies inside a file, or its nearest existing folder cannot be
        written in.
    """
    try:
        if path.exists() and not path.is_dir():
            raise InvalidRequestError(f"{flag} {path} is a file, not a folder: choose a folder.")
        existing = next((p for p in (path, *path.parents) if p.exists()), None)
    except OSError as exc:  # a name too long, a symlink loop
        raise InvalidRequestError(f"{flag} {path} cannot be used: {exc.strerror or exc}.") from None
    if existing is None:
        return
    if not existing.is_dir():
        raise InvalidRequestError(
            f"{flag} {path} lies inside the file {existing}: choose a folder."
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InvalidRequestError(
            f"{flag} {path} cannot be created or written: {existing} is not writable."
        )
