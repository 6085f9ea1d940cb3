"""The lock beside an untitled project: which process uses it, and whether that one still runs.

``NAME.studio.lock`` holds the owner's PID and host as JSON and, where the OS offers it, an
advisory ``flock`` that the OS drops when the process dies. :mod:`studio.project.recovery`
asks :func:`held_by_live_process` before it offers a file after a crash.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import sys
import time
from pathlib import Path

from studio.domain.errors import ProjectError

try:  # POSIX only; Windows falls back to the PID check alone.
    import fcntl
except ImportError:  # pragma: no cover - exercised on Windows only
    fcntl = None  # type: ignore[assignment]

_log = logging.getLogger(__name__)


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
        if existing and held_by_live_process(project):
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
                remove_project_files(self.project)
            except OSError as exc:  # harmless: it is offered for recovery next time
                _log.warning("Could not remove %s: %s", self.project, exc)
        with contextlib.suppress(OSError):
            lock_path_of(self.project).unlink()
        os.close(self._descriptor)  # closing drops the flock
        self._descriptor = None


def lock_path_of(project: Path) -> Path:
    """The lock file beside ``project``: ``NAME.studio.lock``."""
    return project.with_name(project.name + ".lock")


def held_by_live_process(project: Path) -> bool:
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


def remove_project_files(path: Path) -> None:
    """Delete a project file and the SQLite journal beside it, if they are there."""
    for leftover in (path, path.with_name(path.name + "-journal")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
