"""Bringing project files from older formats forward (RELIABILITY 8).

Before anything changes, the file is copied to ``NAME.studio.bak-v<OLD>`` beside it (a
consistent copy made with SQLite's backup API, flushed to the disk). Then every step from the
file's version to :data:`FORMAT_VERSION` runs inside one transaction: if any step fails, SQLite
rolls all of them back and the file is exactly as it was. (InvokeAI's migrator works the same
way.)

Format history
--------------
0
    The pre-release layout: ``images`` without ``sha256``, ids without AUTOINCREMENT, no
    ``state`` table, no application id.
1
    The current layout (:mod:`studio.project.schema`).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

from studio.imaging.atomic import atomic_write_with, free_sibling_name
from studio.project.connection import transaction
from studio.project.schema import (
    APPLICATION_ID,
    FORMAT_VERSION,
    INDEXES,
    TABLES,
    write_versions,
)

Migration = Callable[[sqlite3.Connection], None]


def _from_v0(connection: sqlite3.Connection) -> None:
    """Add image hashes, never-reused ids and the state table.

    SQLite cannot add AUTOINCREMENT to a table, so both tables are rebuilt (SQLite's documented
    "make other kinds of table schema changes" procedure) with the rows copied across.
    """
    connection.create_function("sha256_hex", 1, _sha256_hex, deterministic=True)
    connection.execute("ALTER TABLE images RENAME TO images_v0")
    connection.execute("ALTER TABLE history RENAME TO history_v0")
    for statement in TABLES:
        connection.execute(statement)
    connection.execute(
        """
        INSERT INTO images (id, png, thumb, width, height, sha256, created_at)
        SELECT id, png, COALESCE(thumb, png), width, height, sha256_hex(png),
               COALESCE(created_at, 0)
        FROM images_v0
        """
    )
    connection.execute(
        """
        INSERT INTO history (id, image_id, kind, created_at, prompt, recipe_json)
        SELECT id, image_id, COALESCE(kind, 'generate'), COALESCE(created_at, 0),
               COALESCE(prompt, ''), COALESCE(recipe_json, '{}')
        FROM history_v0
        """
    )
    connection.execute("DROP TABLE history_v0")
    connection.execute("DROP TABLE images_v0")
    # Indexes last: an old index of the same name goes away with its table only now.
    for statement in INDEXES:
        connection.execute(statement)
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _sha256_hex(data: bytes | None) -> str:
    return hashlib.sha256(data or b"").hexdigest()


# Keyed by the version a step upgrades *from*.
MIGRATIONS: dict[int, Migration] = {0: _from_v0}


def backup_path(path: Path, version: int) -> Path:
    """Where the copy made before migrating from ``version`` goes (never over an older copy)."""
    return free_sibling_name(path, f".bak-v{version}")


def migrate(connection: sqlite3.Connection, path: Path, from_version: int) -> Path:
    """Back the file up, then upgrade it to :data:`FORMAT_VERSION` in one transaction.

    Parameters
    ----------
    connection
        A writable connection to ``path``, outside any transaction.
    path
        The project file.
    from_version
        Its current format version (below :data:`FORMAT_VERSION`).

    Returns
    -------
    Path
        The backup copy.

    Raises
    ------
    sqlite3.Error, OSError
        If the backup or a step fails; the file is then unchanged.
    """
    backup = _write_backup(connection, path, from_version)
    # Foreign keys are checked once at the end: tables are rebuilt one after the other.
    connection.execute("PRAGMA foreign_keys = OFF")
    try:
        with transaction(connection):
            for version in range(from_version, FORMAT_VERSION):
                MIGRATIONS[version](connection)
            problems = connection.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise sqlite3.IntegrityError(f"{len(problems)} history rows lost their image")
            write_versions(connection, FORMAT_VERSION)
    finally:
        connection.execute("PRAGMA foreign_keys = ON")
    return backup


def _write_backup(connection: sqlite3.Connection, path: Path, version: int) -> Path:
    target = backup_path(path, version)

    def write_copy(temporary: Path) -> None:
        copy = sqlite3.connect(temporary)
        try:
            connection.backup(copy)
        finally:
            copy.close()

    atomic_write_with(target, write_copy)
    return target
