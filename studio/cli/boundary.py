"""The one error boundary of every command-line tool (RELIABILITY 21).

A command ends in success, in one line naming the file and what to do (a
:class:`~studio.domain.errors.StudioError`), or, for a bug, in a short message and the path of
the log file that holds the traceback. A closed pipe (``studio info x.png | head -c 1``) ends
quietly, and text the terminal cannot encode (a non-UTF-8 file name) is escaped, not fatal.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from studio.diagnostics.error_log import install_error_log, report_bug
from studio.domain.errors import JobCancelled, StudioError
from studio.domain.terminal_text import install_safe_streams, terminal_safe

EXIT_ERROR = 1
EXIT_BUG = 70  # EX_SOFTWARE in sysexits.h
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a killed writer


def prepare_terminal() -> None:
    """Escape what stdout/stderr cannot encode, and every control character, before printing."""
    for stream in (sys.stdout, sys.stderr):
        # A replaced stream (pytest's capture, a wrapper) may have no reconfigure.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError):
                reconfigure(errors="backslashreplace")
    install_safe_streams()


def run_command(label: str, action: Callable[[], int | None], log_dir: Path | None = None) -> int:
    """Run one command inside the boundary and return its exit code.

    Parameters
    ----------
    label
        How messages start: ``"studio generate"``.
    action
        The command; returns its exit code (``None`` means 0).
    log_dir
        Where the log file lives; the user's state folder when ``None``.
    """
    prepare_terminal()
    install_error_log(log_dir)
    try:
        code = int(action() or 0)
        sys.stdout.flush()  # a closed pipe shows up here, inside the boundary
        return code
    except BrokenPipeError:
        _detach_stdout()
        return EXIT_BROKEN_PIPE
    except StudioError as exc:
        _say(f"{label}: error: {exc}")
        return EXIT_ERROR
    except (KeyboardInterrupt, JobCancelled):
        _say(f"{label}: interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:  # the boundary: a bug becomes a message and a log entry
        _say(f"{label}: error: {report_bug(exc, label)}")
        return EXIT_BUG


def _say(line: str) -> None:
    # With stderr gone there is nowhere left to tell; the exit code still says it.
    with contextlib.suppress(OSError, ValueError):
        print(terminal_safe(line, single_line=True), file=sys.stderr, flush=True)


def _detach_stdout() -> None:
    # Python flushes stdout again at exit and would print a second BrokenPipeError; pointing
    # the descriptor at devnull is the documented way out (Python docs, "Note on SIGPIPE").
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
