"""Opening SQLite connections to project files, and turning SQLite errors into advice.

Journal: the rollback journal (``journal_mode=DELETE``), not WAL. With WAL, committed images
live in a ``-wal`` file beside the project until a checkpoint; a crash leaves them there, and a
user who then copies or mails only the ``.studio`` file loses them. With the rollback journal
every commit lands in the one ``.studio`` file, which is complete and self-contained between
transactions ("one file to share"); the journal exists only while a transaction runs, and after
a crash SQLite uses it to roll the half-done transaction back on the next open.

``synchronous=FULL``: each commit is flushed to the disk before it returns, so an image that
was reported saved survives a power cut, not only a crash of Studio. Commits happen once per
image (seconds apart), so the extra flush costs nothing anyone can notice.

``secure_delete=ON``: deleted images are overwritten, so a file shared with someone no longer
contains pictures the artist deleted.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from studio.domain.errors import ProjectError

SQLITE_HEADER = b"SQLite format 3\0"


class DamagedProjectError(ProjectError):
    """The file is not a project, or is one that is truncated or corrupt.

    Unlike other project errors (a busy or unwritable file), trying again will not help: the
    recovery folder sets such files aside.
    """


# Long enough to ride out another process's short transaction, short enough not to freeze the
# GUI thread when a file is held elsewhere.
BUSY_TIMEOUT_S = 2.0


def connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """Open an existing database file, writable or strictly read-only (``mode=ro``).

    Transactions are explicit (``isolation_level=None``): every write goes through
    :func:`transaction`, never through the sqlite3 module's implicit ones.
    """
    uri = f"{path.resolve().as_uri()}?mode={'ro' if read_only else 'rw'}"
    connection = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            connection.execute("PRAGMA journal_mode = DELETE")
            connection.execute("PRAGMA synchronous = FULL")
            connection.execute("PRAGMA secure_delete = ON")
    except BaseException:
        connection.close()
        raise
    return connection


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: committed when the block ends, rolled back if it raises.

    ``BEGIN IMMEDIATE`` takes the write lock up front, so a busy file fails at the start
    instead of half-way through.
    """
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def roll_back_hot_journal(path: Path) -> bool:
    """Let SQLite roll back a transaction a crash left half-written, before anything judges it.

    A writer killed mid-commit leaves a hot ``-journal`` beside a file whose header may already
    promise pages that were never written. SQLite repairs that on the first read; judging the
    header before would call a file "damaged" that loses nothing (RELIABILITY 7).

    Returns
    -------
    bool
        Whether a journal was there and SQLite was given the chance to roll it back.
    """
    journal = path.with_name(path.name + "-journal")
    try:
        if journal.stat().st_size == 0:
            return False
    except OSError:
        return False
    try:
        connection = connect(path, read_only=False)
    except sqlite3.Error:
        return False  # the header check that follows says what is wrong
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        return False
    finally:
        connection.close()
    return True


def check_header(path: Path) -> None:
    """Refuse files that are not SQLite databases, or are visibly cut short, before opening.

    A zero-byte file would otherwise open as an empty database, and a truncated one would
    only fail later, on the first read of a missing page.

    Raises
    ------
    ProjectError
        With a message naming the file and what is wrong with it.
    """
    name = path.name
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        raise ProjectError(f"{name} was not found; check the path.") from None
    except IsADirectoryError:
        raise ProjectError(f"{name} is a folder, not a Studio project file.") from None
    except OSError as exc:
        raise ProjectError(f"{name} cannot be read: {exc.strerror or exc}.") from None
    if size == 0:
        raise DamagedProjectError(f"{name} is empty (0 bytes); it is not a Studio project.")
    if not header.startswith(SQLITE_HEADER):
        raise DamagedProjectError(f"{name} is not a Studio project file.")
    if len(header) < 100 or _declared_size(header) > size:
        raise DamagedProjectError(damaged_message(name))


def _declared_size(header: bytes) -> int:
    """Database size the header promises, or 0 when the header's page count is not valid."""
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    change_counter = header[24:28]
    page_count = int.from_bytes(header[28:32], "big")
    # SQLite trusts the page count only when "version-valid-for" matches the change counter.
    return page_size * page_count if header[92:96] == change_counter else 0


def damaged_message(name: str) -> str:
    return (
        f"{name} is damaged (truncated or corrupt) and was left unchanged; "
        "open a backup copy if you have one."
    )


def is_writable(path: Path) -> bool:
    """Whether SQLite could write ``path``: the file and its folder (for the journal)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def project_error(exc: BaseException, name: str, action: str) -> ProjectError:
    """A :class:`ProjectError` that says what went wrong while doing ``action`` and what to do.

    Parameters
    ----------
    exc
        A :class:`sqlite3.Error` or :class:`OSError`.
    name
        The project file's name.
    action
        What was being done, as in "Could not {action}: ...".
    """
    return ProjectError(f"Could not {action}: {_reason(exc, name)}")


def _reason(exc: BaseException, name: str) -> str:
    code = getattr(exc, "sqlite_errorname", "") or ""
    errno_name = os.strerror(exc.errno) if isinstance(exc, OSError) and exc.errno else ""
    if code == "SQLITE_FULL" or (isinstance(exc, OSError) and exc.errno == 28):
        return "the disk is full. Free some space and try again."
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return f"{name} is in use by another program. Close it there and try again."
    if code.startswith("SQLITE_READONLY") or isinstance(exc, PermissionError):
        return f"{name} or its folder cannot be written. Save a copy somewhere else."
    if code.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return f"{name} is damaged. Open a backup copy if you have one."
    if code.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")):
        return (
            f"{name} could not be written or read (a disk error, or the disk is full). "
            "Check the free space and the disk, then try again."
        )
    return f"{errno_name or exc}."
