"""Creating project files, and opening them: checked, migrated, or read-only (RELIABILITY 8).

Opening never changes a file that is damaged, not a project, or from a newer Studio: those are
checked before anything is written, and a newer file is reopened with SQLite's ``mode=ro`` so
that not even a journal can be written beside it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from studio.domain.errors import ProjectError
from studio.domain.files import require_regular_file
from studio.project.connection import (
    DamagedProjectError,
    check_header,
    connect,
    damaged_message,
    is_writable,
    project_error,
    roll_back_hot_journal,
    transaction,
)
from studio.project.migrations import migrate
from studio.project.schema import APPLICATION_ID, FORMAT_VERSION, create_tables, read_meta


@dataclass
class OpenedFile:
    """A connection to a project file and what opening it found out."""

    connection: sqlite3.Connection
    format_version: int
    read_only_reason: str | None = None
    migration_backup: Path | None = None


def create_project_file(path: Path) -> sqlite3.Connection:
    """Create a new, empty project at ``path``; an existing file is never overwritten.

    Raises
    ------
    ProjectError
        If something is already at ``path`` or the file cannot be written.
    """
    name = path.name
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
    except FileExistsError:
        raise ProjectError(f"{name} already exists; choose another name or open it.") from None
    except OSError as exc:
        raise project_error(exc, name, f"create {name}") from None
    os.close(descriptor)
    connection = None
    try:
        connection = connect(path, read_only=False)
        with transaction(connection):
            create_tables(connection)
    except (sqlite3.Error, OSError) as exc:
        if connection is not None:
            connection.close()
        with contextlib.suppress(OSError):
            path.unlink()
        raise project_error(exc, name, f"create {name}") from None
    return connection


def open_project_file(path: Path) -> OpenedFile:
    """Open a project file: writable and current, migrated forward, or read-only.

    Raises
    ------
    ProjectError
        If the file is missing, not a project, damaged, or an upgrade failed (the file is
        then unchanged and the message says where the backup is).
    """
    name = path.name
    require_regular_file(path, ProjectError)
    writable = is_writable(path)
    if writable:
        roll_back_hot_journal(path)
    check_header(path)
    connection = _connect(path, read_only=not writable)
    try:
        opened = _inspect(connection, path, writable)
    except BaseException:
        connection.close()
        raise
    if opened.read_only_reason is not None and writable:
        # A newer file: reopen so that nothing at all can be written to it.
        connection.close()
        opened.connection = _connect(path, read_only=True)
    elif writable and opened.format_version < FORMAT_VERSION:
        opened.migration_backup = _migrate(connection, path, opened.format_version)
        opened.format_version = FORMAT_VERSION
    elif not writable and opened.format_version < FORMAT_VERSION:
        connection.close()
        raise ProjectError(
            f"{name} is from an older Studio and must be upgraded, but it cannot be written; "
            "copy it to a folder you can write to and open the copy."
        )
    return opened


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    try:
        return connect(path, read_only=read_only)
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
            raise DamagedProjectError(damaged_message(path.name)) from None
        raise project_error(exc, path.name, f"open {path.name}") from None


def _inspect(connection: sqlite3.Connection, path: Path, writable: bool) -> OpenedFile:
    name = path.name
    try:
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        meta = read_meta(connection)
    except sqlite3.DatabaseError:
        raise DamagedProjectError(damaged_message(name)) from None
    ours = application_id == APPLICATION_ID
    if "format_version" not in meta or not (ours or application_id == 0):
        if ours:
            raise DamagedProjectError(damaged_message(name))
        raise DamagedProjectError(f"{name} is a database, but not a Studio project.")
    try:
        version = int(meta["format_version"])
    except ValueError:
        raise DamagedProjectError(damaged_message(name)) from None
    reason = None
    if version > FORMAT_VERSION:
        app = meta.get("app_version", "a newer version")
        reason = (
            f"{name} was saved by Studio {app} (file format {version}; this Studio reads up to "
            f"{FORMAT_VERSION}). It opens read-only: update Studio to change it."
        )
    elif not writable:
        reason = f"{name} or its folder cannot be written; save a copy to make changes."
    return OpenedFile(connection, version, reason)


def _migrate(connection: sqlite3.Connection, path: Path, version: int) -> Path:
    try:
        return migrate(connection, path, version)
    except (sqlite3.Error, OSError) as exc:
        connection.close()
        raise project_error(
            exc, path.name, f"upgrade {path.name} from format {version} (the file is unchanged)"
        ) from None
