"""Atomic "Save As" of a whole project (RELIABILITY 6).

SQLite's backup API copies a consistent snapshot page by page into a temporary file beside the
target; the copy is flushed to the disk and renamed over the target in one step. Until that
rename, the target is untouched: a crash, a full disk or an exception leaves the previous file
as it was, and the temporary file is removed (or, after a crash, left as a hidden ``.saving``
file that no one opens).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

from studio.imaging.atomic import atomic_write_with

SaveProgress = Callable[[int, int], None]
# Pages copied per step (1 MB at SQLite's default page size): progress is reported between
# steps, and a cancel raised from the callback stops the copy there. A step takes about 10-40 ms,
# so a GUI that processes events in the callback never stalls for long (RELIABILITY 18).
PAGES_PER_STEP = 256


def copy_database(
    source: sqlite3.Connection, target: Path, *, progress: SaveProgress | None = None
) -> None:
    """Write a complete copy of ``source`` to ``target``, replacing it atomically.

    Parameters
    ----------
    source
        An open connection, outside any transaction.
    target
        The file to create or replace.
    progress
        ``progress(pages_done, pages_total)``, called after each step; whatever it raises
        aborts the copy and propagates.

    Raises
    ------
    sqlite3.Error, OSError
        If the copy cannot be written; ``target`` is then unchanged.
    """

    def write_copy(temporary: Path) -> None:
        try:
            copy = sqlite3.connect(temporary, isolation_level=None)
            try:
                source.backup(copy, pages=PAGES_PER_STEP, progress=_report(progress))
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.with_name(temporary.name + "-journal").unlink()
            raise

    atomic_write_with(target, write_copy, suffix=".saving")


def _report(progress: SaveProgress | None) -> Callable[[int, int, int], None] | None:
    if progress is None:
        return None

    def on_step(_status: int, remaining: int, total: int) -> None:
        progress(total - remaining, total)

    return on_step
