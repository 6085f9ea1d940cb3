"""Untitled work survives a crash (RELIABILITY 7).

An untitled project is a real project file in the recovery folder from its first moment, so
each image is committed to disk as it is made, exactly as in a saved project. Beside it, a lock
file names the process using it (PID and host) and, where the OS offers it, holds an advisory
lock that the OS drops when the process dies.

After a crash the file is still there with a stale lock: :func:`find_recoverable` offers it
(:func:`adopt` to continue, :func:`discard` to drop it). Files that a live Studio holds are
skipped; a PID that is alive but holds no OS lock is a reused PID, so the file is offered.
Damaged files are set aside (renamed ``*.damaged-<time>``), never deleted, and reported. Nothing
here ever copies one file over another.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from studio.domain.errors import ProjectError
from studio.imaging.atomic import set_aside
from studio.project.connection import DamagedProjectError
from studio.project.paths import default_recovery_dir
from studio.project.store import ProjectStore
from studio.project.untitled_lock import (
    UntitledLock,
    held_by_live_process,
    lock_path_of,
    remove_project_files,
)

__all__ = [
    "RecoveryCandidate",
    "RecoveryScan",
    "SetAsideFile",
    "adopt",
    "default_recovery_dir",
    "discard",
    "find_recoverable",
    "new_untitled_project",
    "scan_recovery_dir",
]

UNTITLED_PATTERN = "untitled-*.studio"
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecoveryCandidate:
    """Untitled work left by a Studio that did not close normally."""

    path: Path
    image_count: int
    modified_at: float
    last_prompt: str


@dataclass(frozen=True)
class SetAsideFile:
    """A damaged recovery file, renamed so it is kept but no longer offered."""

    original: Path
    moved_to: Path | None
    reason: str

    @property
    def message(self) -> str:
        """One line for the user."""
        where = f"kept as {self.moved_to.name}" if self.moved_to else "left where it was"
        return (
            f"Unsaved work in {self.original.name} could not be recovered ({where}): {self.reason}"
        )


@dataclass(frozen=True)
class RecoveryScan:
    """What the recovery folder holds: work to offer, and damaged files set aside."""

    candidates: list[RecoveryCandidate] = field(default_factory=list)
    set_aside: list[SetAsideFile] = field(default_factory=list)


def new_untitled_project(recovery_dir: Path | None = None) -> ProjectStore:
    """Start an untitled project whose every image is committed in the recovery folder.

    The file is removed when the store is saved elsewhere (:meth:`ProjectStore.save_as`) or
    closed empty; closed with images, it stays and is offered again by :func:`find_recoverable`.

    Raises
    ------
    ProjectError
        If the recovery folder cannot be created or written.
    """
    folder = _ensure_folder(recovery_dir)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"untitled-{stamp}-{os.getpid()}-{secrets.token_hex(3)}.studio"
    lock = UntitledLock.acquire(path, existing=False)
    try:
        return ProjectStore.create(path, lease=lock)
    except BaseException:
        lock.release(keep_file=True)
        raise


def scan_recovery_dir(recovery_dir: Path | None = None) -> RecoveryScan:
    """Look for untitled work left by a crash; set damaged files aside.

    Empty untitled files nobody holds are removed (they hold nothing to recover), as are
    lock files whose project file is gone.
    """
    folder = Path(recovery_dir) if recovery_dir is not None else default_recovery_dir()
    scan = RecoveryScan()
    if not folder.is_dir():
        return scan
    for path in sorted(folder.glob(UNTITLED_PATTERN)):
        if held_by_live_process(path):
            continue
        try:
            candidate = _inspect(path)
        except DamagedProjectError as exc:
            scan.set_aside.append(_set_damaged_file_aside(path, str(exc)))
            continue
        except ProjectError as exc:  # busy or unreadable now: look again next time
            _log.warning("Skipped unsaved work in %s: %s", path.name, exc)
            continue
        if candidate is None:
            remove_project_files(path)
        else:
            scan.candidates.append(candidate)
    for lock in folder.glob(UNTITLED_PATTERN + ".lock"):
        project = lock.with_name(lock.name.removesuffix(".lock"))
        if not project.exists() and not held_by_live_process(project):
            with contextlib.suppress(OSError):
                lock.unlink()
    return scan


def find_recoverable(recovery_dir: Path | None = None) -> list[RecoveryCandidate]:
    """Untitled projects left by a crash that hold at least one image, oldest first.

    Damaged files are set aside and logged; use :func:`scan_recovery_dir` to show them.
    """
    scan = scan_recovery_dir(recovery_dir)
    for damaged in scan.set_aside:
        _log.warning("%s", damaged.message)
    return scan.candidates


def adopt(candidate: RecoveryCandidate) -> ProjectStore:
    """Continue working on recovered untitled work (it stays untitled until saved).

    Raises
    ------
    ProjectError
        If another Studio took it meanwhile, or it can no longer be opened.
    """
    lock = UntitledLock.acquire(candidate.path, existing=True)
    try:
        return ProjectStore.open(candidate.path, lease=lock)
    except BaseException:
        lock.release(keep_file=True)
        raise


def discard(candidate: RecoveryCandidate) -> None:
    """Delete recovered untitled work the user chose not to keep.

    Raises
    ------
    ProjectError
        If another Studio took it meanwhile, or it cannot be deleted.
    """
    lock = UntitledLock.acquire(candidate.path, existing=True)
    try:
        remove_project_files(candidate.path)
    except OSError as exc:
        raise ProjectError(
            f"Could not delete {candidate.path.name}: {exc.strerror or exc}."
        ) from None
    finally:
        lock.release(keep_file=True)


def _inspect(path: Path) -> RecoveryCandidate | None:
    """The candidate in ``path``; ``None`` when it holds no image."""
    store = ProjectStore.open(path)
    try:
        count = store.image_count()
        if count == 0:
            return None
        entries = store.entries()
        return RecoveryCandidate(
            path=path,
            image_count=count,
            modified_at=path.stat().st_mtime,
            last_prompt=entries[0].prompt if entries else "",
        )
    finally:
        store.close()


def _set_damaged_file_aside(path: Path, reason: str) -> SetAsideFile:
    try:
        moved = set_aside(path)
    except OSError:
        return SetAsideFile(path, None, reason)
    journal = path.with_name(path.name + "-journal")
    if journal.exists():  # keep the pair together: SQLite finds a journal by the file's name
        with contextlib.suppress(OSError):
            journal.replace(moved.with_name(moved.name + "-journal"))
    with contextlib.suppress(OSError):
        lock_path_of(path).unlink()
    return SetAsideFile(path, moved, reason)


def _ensure_folder(recovery_dir: Path | None) -> Path:
    folder = Path(recovery_dir) if recovery_dir is not None else default_recovery_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ProjectError(
            f"Could not create the folder for unsaved work {folder}: {exc.strerror or exc}."
        ) from None
    return folder
