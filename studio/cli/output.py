"""Where a command writes its images: checked before any work, written atomically after it.

Every problem becomes one :class:`~studio.domain.errors.OutputError` line naming the file and
what to do: a folder that is missing, is a file or cannot be written, a name too long, a folder
sitting at the output path, a file that is already there (``--overwrite`` replaces it), a full
disk. The checks run before the model loads, so a typo never costs a generation; the write
itself goes through the one atomic-write helper, so a failure leaves no half file and no
temporary file behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Sequence
from pathlib import Path

from studio.domain.errors import OutputError
from studio.imaging.atomic import atomic_write_bytes, temporary_sibling

_REASONS = {
    errno.ENOSPC: "the disk is full; free some space and run it again",
    errno.EDQUOT: "the disk quota is used up; free some space and run it again",
    errno.EACCES: "permission denied; choose a folder you can write to",
    errno.EPERM: "permission denied; choose a folder you can write to",
    errno.EROFS: "the folder is on a read-only disk; choose another folder",
    errno.ENAMETOOLONG: "the file name is too long; choose a shorter name",
    errno.ENOTDIR: "part of the folder path is a file, not a folder",
    errno.EISDIR: "a folder has that name; choose a file name",
}


def reason(error: OSError) -> str:
    """A person's words for why a file system call failed."""
    return _REASONS.get(error.errno, error.strerror or str(error))


def check_output_paths(paths: Sequence[Path], *, overwrite: bool) -> None:
    """Refuse, before any work, outputs that could not be written or would replace a file.

    Raises
    ------
    OutputError
        Naming the first path that is a problem and what to do about it.
    """
    for path in paths:
        if path.suffix.lower() != ".png":
            raise OutputError(f"Output {path} must end in .png.")
        try:
            _check_one(path, overwrite)
        except OSError as error:  # a stat can fail too: a name too long, a folder unreadable
            raise OutputError(f"Cannot write {path}: {reason(error)}.") from None
    _probe_folder(paths[0])


def _check_one(path: Path, overwrite: bool) -> None:
    folder = path.parent
    if not folder.exists():
        raise OutputError(f"Cannot write {path}: the folder {folder} does not exist.")
    if not folder.is_dir():
        raise OutputError(f"Cannot write {path}: {folder} is a file, not a folder.")
    if path.is_dir():
        raise OutputError(f"Cannot write {path}: it is a folder; choose a file name.")
    if path.exists() and not overwrite:
        raise OutputError(
            f"{path} already exists; choose another name or pass --overwrite to replace it."
        )


def _probe_folder(path: Path) -> None:
    # os.access says yes to root even on a read-only mount, so try the real thing: create
    # (and remove) the temporary file the write will use.
    try:
        probe = temporary_sibling(path)
    except OSError as error:
        raise OutputError(f"Cannot write {path}: {reason(error)}.") from None
    with contextlib.suppress(OSError):
        os.unlink(probe)


def write_output(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` in one step; on failure nothing is left behind.

    Raises
    ------
    OutputError
        One line naming ``path`` and the reason (full disk, permissions ...).
    """
    try:
        atomic_write_bytes(path, data)
    except OSError as error:
        raise OutputError(f"Cannot write {path}: {reason(error)}.") from None
