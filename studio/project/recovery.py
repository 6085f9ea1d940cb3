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
import json
import logging
import os
import secrets
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from studio.domain.errors import ProjectError
from studio.imaging.atomic import set_aside
from studio.project.connection import DamagedProjectError
from studio.project.paths import default_recovery_dir
from studio.project.store import ProjectStore

try:  # POSIX only; Windows falls back to the PID check alone.
    import fcntl
except ImportError:  # pragma: no cover - exercised on Windows only
    fcntl = None  # type: ignore[assignment]

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
        if _held_by_live_process(path):
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
            _remove_project_files(path)
        else:
            scan.candidates.append(candidate)
    for lock in folder.glob(UNTITLED_PATTERN + ".lock"):
        project = lock.with_name(lock.name.removesuffix(".lock"))
        if not project.exists() and not _held_by_live_process(project):
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
        _remove_project_files(candidate.path)
    except OSError as exc:
        raise ProjectError(
            f"Could not delete {candidate.path.name}: {exc.strerror or exc}."
        ) from None
    finally:
        lock.release(keep_file=True)


class UntitledLock:
    """The lock file beside an untitled project: ``NAME.studio.lock``.

    It holds ``{"pid", "host", "since"}`` as JSON and, on POSIX, an ``flock`` for as long as
    this process uses the project.
    """

    def __init__(self, project: Path, descriptor: int) -> None:
        self.project = project
        self._descriptor: int | None = descriptor

    @classmethod
    def acquire(cls, project: Path, *, existing: bool) -> UntitledLock:
        """Take the lock of ``project``; ``existing`` allows taking over a stale lock file.

        Raises
        ------
        ProjectError
            If a live process holds it, or the lock file cannot be written.
        """
        lock_path = lock_path_of(project)
        flags = os.O_RDWR | os.O_CREAT | (0 if existing else os.O_EXCL)
        if existing and _held_by_live_process(project):
            raise ProjectError(f"{project.name} is open in another Studio window.")
        try:
            descriptor = os.open(lock_path, flags, 0o644)
        except OSError as exc:
            raise ProjectError(f"Could not lock {project.name}: {exc.strerror or exc}.") from None
        try:
            if fcntl is not None:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            owner = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}
            os.ftruncate(descriptor, 0)
            os.write(descriptor, json.dumps(owner).encode())
        except OSError:
            os.close(descriptor)
            raise ProjectError(f"{project.name} is open in another Studio window.") from None
        return cls(project, descriptor)

    def release(self, *, keep_file: bool) -> None:
        """Remove the lock file, and the project file too unless ``keep_file``."""
        if self._descriptor is None:
            return
        if not keep_file:
            try:
                _remove_project_files(self.project)
            except OSError as exc:  # harmless: it is offered for recovery next time
                _log.warning("Could not remove %s: %s", self.project, exc)
        with contextlib.suppress(OSError):
            lock_path_of(self.project).unlink()
        os.close(self._descriptor)  # closing drops the flock
        self._descriptor = None


def lock_path_of(project: Path) -> Path:
    return project.with_name(project.name + ".lock")


def _held_by_live_process(project: Path) -> bool:
    """Whether a running Studio uses ``project``, judged by its lock file.

    The PID must be alive, and on POSIX the process must also still hold the ``flock``: PIDs
    are reused, and a crashed Studio's lock is dropped by the OS.
    """
    lock_path = lock_path_of(project)
    if not lock_path.exists():
        return False
    owner = _read_owner(lock_path)
    host = owner.get("host")
    if isinstance(host, str) and host != socket.gethostname():
        return True  # a process on another machine (shared home folder) cannot be checked
    if fcntl is not None and not _os_lock_taken(lock_path):
        return False
    pid = owner.get("pid")
    if not isinstance(pid, int):
        return fcntl is not None  # locked, its owner still writing its PID
    return _pid_alive(pid)


def _read_owner(lock_path: Path) -> dict:
    try:
        owner = json.loads(lock_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return owner if isinstance(owner, dict) else {}


def _os_lock_taken(lock_path: Path) -> bool:
    try:
        descriptor = os.open(lock_path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(descriptor)  # also releases the lock if this probe took it
    return False


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False  # 0 and negative PIDs address process groups, never one process
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by someone else
    return True


def _windows_pid_alive(pid: int) -> bool:  # pragma: no cover - exercised on Windows only
    # os.kill(pid, 0) on Windows would send CTRL_C_EVENT; ask the process table instead.
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return kernel32.GetLastError() == 5  # access denied: it exists
    try:
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


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


def _remove_project_files(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-journal")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def _ensure_folder(recovery_dir: Path | None) -> Path:
    folder = Path(recovery_dir) if recovery_dir is not None else default_recovery_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ProjectError(
            f"Could not create the folder for unsaved work {folder}: {exc.strerror or exc}."
        ) from None
    return folder
