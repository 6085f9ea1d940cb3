"""Where tracebacks go: a rotated log file in the user's state folder, never the screen.

Part of the one error boundary (RELIABILITY 21). A failure Studio anticipated is a
:class:`~studio.domain.errors.StudioError` whose one line is shown as is. Anything else is a bug:
its traceback is written here, and the user sees a short message naming this file, so a report
can include it. Stdlib only, so every layer (CLI, worker, GUI, benchmarks) can use it.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
from pathlib import Path

LOG_FILE_NAME = "studio.log"
MAX_LOG_BYTES = 1024 * 1024
LOG_BACKUPS = 3
_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"

_lock = threading.Lock()
_installed: tuple[Path, logging.Handler] | None = None


def default_log_dir() -> Path:
    """The user's state folder for logs.

    ``$STUDIO_STATE_DIR``; else ``%LOCALAPPDATA%\\Studio\\logs`` on Windows,
    ``~/Library/Logs/Studio`` on macOS, ``$XDG_STATE_HOME/studio`` or ``~/.local/state/studio``
    elsewhere.
    """
    override = os.environ.get("STUDIO_STATE_DIR")
    if override:
        return Path(override)
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return (Path(base) if base else home / "AppData" / "Local") / "Studio" / "logs"
    if sys.platform == "darwin":
        return home / "Library" / "Logs" / "Studio"
    base = os.environ.get("XDG_STATE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else home / ".local" / "state"
    return root / "studio"


def install_error_log(log_dir: Path | None = None, level: int = logging.INFO) -> Path | None:
    """Send every log record of this process to the rotated log file (idempotent).

    With a handler on the root logger, Python's last-resort handler no longer prints warnings
    and tracebacks to stderr. Returns the log file's path, or ``None`` when the folder cannot be
    written (records are then dropped rather than shown).
    """
    global _installed
    folder = Path(log_dir) if log_dir is not None else default_log_dir()
    path = folder / LOG_FILE_NAME
    with _lock:
        if _installed is not None and _installed[0] == path:
            return path
        root = logging.getLogger()
        if _installed is not None:
            root.removeHandler(_installed[1])
            _installed[1].close()
            _installed = None
        written: Path | None = path
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handler: logging.Handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=MAX_LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
            )
        except OSError:
            handler, written = logging.NullHandler(), None
        handler.setFormatter(logging.Formatter(_FORMAT))
        root.addHandler(handler)
        if root.level > level or root.level == logging.NOTSET:
            root.setLevel(level)
        _installed = (written, handler) if written is not None else None
        return written


def current_log_path() -> Path | None:
    """The log file this process writes to, if :func:`install_error_log` found one."""
    with _lock:
        return _installed[0] if _installed is not None else None


def report_bug(exc: BaseException, doing: str) -> str:
    """Log ``exc`` with its traceback and return the short message a person should see.

    Parameters
    ----------
    exc
        The unexpected exception.
    doing
        What failed, as in "{doing} failed" ("studio generate", "The job").
    """
    logging.getLogger("studio.bug").error("%s failed", doing, exc_info=exc)
    path = current_log_path()
    where = f"the details are in {path}" if path else "no log file could be written"
    return (
        f"{doing} failed because of a bug in Studio ({type(exc).__name__}); {where}. "
        "Please include that file if you report it."
    )
