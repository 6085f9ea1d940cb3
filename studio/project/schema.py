"""The tables of a ``.studio`` file, format version 1 (../shared/DESIGN.md, "The project file").

``images`` holds every picture losslessly as PNG (RELIABILITY 9) with its thumbnail;
``history`` holds one row per entry in the history panel with the full recipe as JSON; ``state``
holds the canvas, the prompt panel and UI state as JSON documents; ``meta`` holds the format
version and the version of Studio that wrote the schema.

Small columns come before the blobs, and the thumbnail before the image: SQLite reads a row's
columns in order and must walk a blob's overflow pages to reach the columns after it, so this
order keeps listing the history (sizes) and showing thumbnails from reading whole images.

Ids use AUTOINCREMENT so SQLite never hands out the id of a deleted row again: undoing a delete
puts an entry back under its old id even after newer entries were added.
"""

from __future__ import annotations

import sqlite3

from studio import __version__

FORMAT_VERSION = 1
# "STDO": marks the file as a Studio project for `file(1)` and for Studio itself.
APPLICATION_ID = 0x5354444F

TABLES = (
    """
    CREATE TABLE IF NOT EXISTS meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS images (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        created_at REAL NOT NULL,
        thumb BLOB NOT NULL,
        png BLOB NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        image_id INTEGER NOT NULL REFERENCES images (id),
        kind TEXT NOT NULL,
        created_at REAL NOT NULL,
        prompt TEXT NOT NULL,
        recipe_json TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS state (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL
    )
    """,
)

INDEXES = (
    "CREATE INDEX IF NOT EXISTS images_by_sha256 ON images (sha256)",
    "CREATE INDEX IF NOT EXISTS history_by_image ON history (image_id)",
)


def create_tables(connection: sqlite3.Connection) -> None:
    """Create the current schema; the caller holds the transaction."""
    for statement in (*TABLES, *INDEXES):
        connection.execute(statement)
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    write_versions(connection, FORMAT_VERSION)


def write_versions(connection: sqlite3.Connection, format_version: int) -> None:
    """Record the format version and the Studio version that wrote it."""
    connection.executemany(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
        [("format_version", str(format_version)), ("app_version", __version__)],
    )


def read_meta(connection: sqlite3.Connection) -> dict[str, str]:
    """The ``meta`` table as a dict; empty when the table does not exist."""
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    ).fetchone()
    if exists is None:
        return {}
    return {str(k): str(v) for k, v in connection.execute("SELECT key, value FROM meta")}
