"""Walking an added folder: every model file by kind, bounded, one line per bad file.

The walk follows the tool's layout (:mod:`.layouts`), descends into subfolders (artists sort
their LoRAs into folders), never into a diffusers pipeline (that folder *is* a checkpoint),
never twice into one folder (a symlink loop), and stops classifying after
:data:`MAX_MODEL_FILES` files, counting the rest in one line. Special files (a FIFO with a
model's name) are named and skipped without being opened, so the walk never blocks.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from studio.domain.errors import StudioError
from studio.domain.files import special_file_kind
from studio.domain.model_kind import AddonInfo, ModelKind
from studio.domain.models import ModelInfo
from studio.engine.model_folders.files import describe_file, pipeline_info
from studio.engine.model_folders.layouts import KindFolder, folder_layout
from studio.engine.safe_load import MODEL_FILE_SUFFIXES
from studio.engine.sd import pipeline_folder

log = logging.getLogger(__name__)

MAX_MODEL_FILES = 10_000  # model files read per added folder; the rest are counted
MAX_ENTRIES = 200_000  # names looked at per added folder (someone adds their home folder)
MAX_DEPTH = 6


@dataclass
class FolderScan:
    """What one added folder holds.

    Parameters
    ----------
    tool
        ``"A1111/Forge install"``, ``"ComfyUI install"``, ``"InvokeAI models folder"`` or
        ``"folder"``.
    problems
        One line per file that was skipped, each naming it and what to do.
    skipped
        Model files past :data:`MAX_MODEL_FILES`, not read.
    """

    root: Path
    tool: str = "folder"
    checkpoints: list[ModelInfo] = field(default_factory=list)
    addons: list[AddonInfo] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped: int = 0
    _read: int = field(default=0, repr=False)
    _entries: int = field(default=0, repr=False)
    _seen_dirs: set[tuple[int, int]] = field(default_factory=set, repr=False)

    def skipped_line(self) -> str | None:
        """The one line for the files not read, or ``None``."""
        if not self.skipped:
            return None
        return (
            f"{self.skipped:,} files skipped in {self.root}: only the first "
            f"{MAX_MODEL_FILES:,} model files of a folder are read; add its subfolders instead."
        )


def scan_folder(root: Path) -> FolderScan:
    """Every checkpoint and add-on under ``root``, read in place.

    Never raises for a bad file below ``root``: each becomes a line in ``problems``.
    """
    layout = folder_layout(root)
    scan = FolderScan(root=root, tool=layout.tool, problems=list(layout.problems))
    for folder in layout.folders:
        _walk(scan, folder, folder.path, 0)
    return scan


def _walk(scan: FolderScan, where: KindFolder, directory: Path, depth: int) -> None:
    if not _first_visit(scan, directory):
        return
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError as exc:
        scan.problems.append(f"Cannot read {directory}: {exc.strerror or exc}; skipped.")
        return
    for entry in entries:
        scan._entries += 1
        if scan._entries > MAX_ENTRIES:
            scan.skipped += 1
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir():
                _enter(scan, where, path, depth)
            elif path.suffix.lower() in MODEL_FILE_SUFFIXES or _is_dangling_link(entry):
                _read_file(scan, where, entry, path)
        except OSError as exc:
            scan.problems.append(_unreadable_line(path, exc))


def _enter(scan: FolderScan, where: KindFolder, path: Path, depth: int) -> None:
    if pipeline_folder.is_pipeline_folder(path):
        _keep(scan, path, lambda: pipeline_info(path))
    elif depth < MAX_DEPTH:
        _walk(scan, where, path, depth + 1)


def _read_file(scan: FolderScan, where: KindFolder, entry: os.DirEntry[str], path: Path) -> None:
    if not entry.is_file():
        scan.problems.append(_not_a_file_line(path))
        return
    scan._read += 1
    if scan._read > MAX_MODEL_FILES:
        scan.skipped += 1
        return
    _keep(scan, path, lambda: describe_file(path, where.kind))


def _keep(scan: FolderScan, path: Path, describe: Callable[[], ModelInfo | AddonInfo]) -> None:
    try:
        found = describe()
    except StudioError as exc:
        scan.problems.append(str(exc))
        return
    except (OSError, ValueError) as exc:
        scan.problems.append(f"{path.name} cannot be read ({exc}); skipped.")
        return
    if isinstance(found, AddonInfo):
        scan.addons.append(found)
    else:
        scan.checkpoints.append(found)


def _is_dangling_link(entry: os.DirEntry[str]) -> bool:
    """A link that leads nowhere (a loop, a missing target): named, never silently lost."""
    return entry.is_symlink() and not entry.is_file()


def _first_visit(scan: FolderScan, directory: Path) -> bool:
    try:
        status = os.stat(directory)
    except OSError:
        return False
    key = (status.st_dev, status.st_ino)
    if key in scan._seen_dirs:
        return False
    scan._seen_dirs.add(key)
    return True


def _not_a_file_line(path: Path) -> str:
    special = special_file_kind(path)
    if special is not None:
        return f"{path.name} is {special}, not a model file."
    try:
        os.stat(path)
    except OSError as exc:
        return _unreadable_line(path, exc)
    return f"{path.name} is not a regular file; skipped."


def _unreadable_line(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return f"{path.name} is a symbolic link loop; point it at the model file itself."
    if exc.errno == errno.ENOENT:
        return f"{path.name} is a link to nothing; skipped."
    return f"Cannot read {path.name}: {exc.strerror or exc}; skipped."


def kinds_found(scan: FolderScan) -> dict[ModelKind, int]:
    """How many files of each kind the scan found, checkpoints included."""
    counts: dict[ModelKind, int] = {}
    if scan.checkpoints:
        counts[ModelKind.CHECKPOINT] = len(scan.checkpoints)
    for addon in scan.addons:
        counts[addon.kind] = counts.get(addon.kind, 0) + 1
    return counts
