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
from collections.abc import Iterable, Sequence
from pathlib import Path

from studio.domain.errors import OutputError
from studio.imaging.atomic import atomic_write_bytes, temporary_sibling
from studio.ops.export_manifest import (
    MANIFEST_NAME,
    Cleanup,
    earlier_files,
    has_earlier_export,
    manifest_bytes,
    remove_earlier_files,
)

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
    return _REASONS.get(error.errno or 0, error.strerror or str(error))


def check_output_paths(
    paths: Sequence[Path], *, overwrite: bool, suffixes: Sequence[str] = (".png",)
) -> None:
    """Refuse, before any work, outputs that could not be written or would replace a file.

    Parameters
    ----------
    paths
        The files the command will write.
    overwrite
        Whether ``--overwrite`` was given (an existing file may then be replaced).
    suffixes
        The endings an output may have (``.png`` unless the command writes something else).

    Raises
    ------
    OutputError
        Naming the first path that is a problem and what to do about it.
    """
    for path in paths:
        if path.suffix.lower() not in suffixes:
            raise OutputError(f"Output {path} must end in {_either(suffixes)}.")
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


def _either(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def check_export_folder(folder: Path | None) -> Path:
    """The ``-o DIR`` of an export, checked before any work (the folder itself is created later).

    Raises
    ------
    OutputError
        No ``-o``, a file at that path, a missing or non-folder parent, or a folder that
        cannot be written to.
    """
    if folder is None:
        raise OutputError("Give an output folder: -o DIR.")
    try:
        if folder.exists() and not folder.is_dir():
            raise OutputError(f"Output {folder} is a file; choose a folder name.")
        parent = folder.absolute().parent
        if not folder.exists():
            if not parent.exists():
                raise OutputError(f"Cannot create {folder}: the folder {parent} does not exist.")
            if not parent.is_dir():
                raise OutputError(f"Cannot create {folder}: {parent} is a file, not a folder.")
    except OSError as error:  # a name too long, a folder that cannot be listed
        raise OutputError(f"Cannot write to {folder}: {reason(error)}.") from None
    # Creating (and removing) a temporary file is the one honest writability test.
    _probe_folder(folder / "probe" if folder.is_dir() else folder)
    return folder


def check_export_names(folder: Path, names: Iterable[str], *, overwrite: bool) -> None:
    """Refuse, before the first byte, an export that would replace files without ``--overwrite``.

    An earlier export's manifest (:mod:`studio.ops.export_manifest`) counts as an export to
    replace, whatever names it lists, so two exports never mix in one folder.

    Raises
    ------
    OutputError
        Naming the first file that is a folder, or that exists while ``overwrite`` is false.
    """
    if not overwrite and has_earlier_export(folder):
        raise OutputError(
            f"{folder} holds an earlier export ({MANIFEST_NAME}); choose another folder or "
            "pass --overwrite to replace it (its files are removed, yours stay)."
        )
    for name in names:
        target = folder / name
        try:
            if target.is_dir():
                raise OutputError(
                    f"Cannot write {target}: it is a folder; move it or choose another folder."
                )
            if (target.exists() or target.is_symlink()) and not overwrite:
                raise OutputError(
                    f"{folder} already holds {name}; choose another folder or pass "
                    "--overwrite to replace the export."
                )
        except OSError as error:
            raise OutputError(f"Cannot write {target}: {reason(error)}.") from None


def write_export(
    folder: Path, files: dict[str, bytes], *, overwrite: bool
) -> tuple[list[Path], Cleanup]:
    """Write an export's files into ``folder``: all of them, or none that were not there before.

    The names are checked again (:func:`check_export_names`) right before writing; each file is
    written atomically and never outside ``folder``
    (:func:`~studio.project.export_folder.write_export_files`), the manifest last. If one write
    fails (a full disk), the files this call created are removed, and the folder too if it made
    it. Only when every file is written are the earlier export's files that this one did not
    write again removed (:func:`~studio.ops.export_manifest.remove_earlier_files`).

    Returns
    -------
    tuple
        The written files (the manifest not included) and what the clean-up removed or left.

    Raises
    ------
    OutputError
        One line naming the file and the reason.
    """
    from studio.domain.errors import StudioError
    from studio.project.export_folder import write_export_files

    check_export_names(folder, files, overwrite=overwrite)
    earlier = earlier_files(folder) if has_earlier_export(folder) else []
    everything = {**files, MANIFEST_NAME: manifest_bytes(files)}
    folder_existed = folder.exists()
    existing = {name for name in everything if (folder / name).exists()}
    try:
        written = write_export_files(folder, everything)
    except (StudioError, OSError) as error:
        for name in everything:
            if name not in existing:
                with contextlib.suppress(OSError):
                    (folder / name).unlink()
        if not folder_existed:
            with contextlib.suppress(OSError):
                folder.rmdir()
        if isinstance(error, OSError):
            raise OutputError(f"Cannot write to {folder}: {reason(error)}.") from None
        raise OutputError(str(error)) from None
    cleanup = remove_earlier_files(folder, earlier, set(files))
    return [path for path in written if path.name != MANIFEST_NAME], cleanup
