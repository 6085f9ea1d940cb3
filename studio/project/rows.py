"""SQL for single rows of the ``images``, ``history`` and ``state`` tables, for the store.

Every function runs inside the caller's transaction and raises sqlite3 errors; the store turns
those into :class:`ProjectError`.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from studio.domain.errors import MetadataError
from studio.domain.history import HistoryEntry
from studio.imaging.metadata_json import load_metadata_json
from studio.project.records import StoredImage

# Canvas state can be far larger than any image's metadata.
MAX_DOCUMENT_CHARS = 256_000_000

ENTRY_QUERY = """
    SELECT h.id, h.image_id, h.kind, h.created_at, h.prompt, i.width, i.height, h.recipe_json
    FROM history AS h JOIN images AS i ON i.id = h.image_id
"""


def entry_from_row(row: tuple) -> HistoryEntry:
    """A :class:`HistoryEntry` from a row of :data:`ENTRY_QUERY`."""
    recipe = read_document(row[7])
    return HistoryEntry(
        id=int(row[0]),
        image_id=int(row[1]),
        kind=str(row[2]),
        created_at=float(row[3]),
        prompt=str(row[4]),
        width=int(row[5]),
        height=int(row[6]),
        recipe=recipe if isinstance(recipe, dict) else {},
    )


def read_document(text: object) -> Any:
    """JSON stored in the file, read with the same limits as image metadata.

    A project can come from anyone; a hostile or damaged document reads as absent (``None``)
    instead of crashing the history panel.
    """
    if not isinstance(text, str):
        return None
    try:
        return load_metadata_json(text, what="a stored document", max_chars=MAX_DOCUMENT_CHARS)
    except MetadataError:
        return None


def find_image(connection: sqlite3.Connection, sha256: str, size: int) -> int | None:
    """Id of an image with exactly these bytes (by hash and length), if one is stored."""
    row = connection.execute(
        "SELECT id FROM images WHERE sha256 = ? AND length(png) = ?", (sha256, size)
    ).fetchone()
    return None if row is None else int(row[0])


def insert_image(connection: sqlite3.Connection, image: StoredImage) -> int:
    """Store an image row; ``image.id`` 0 lets SQLite choose a new id. Returns the id."""
    cursor = connection.execute(
        "INSERT INTO images (id, width, height, sha256, created_at, thumb, png)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            image.id or None,
            image.width,
            image.height,
            image.sha256,
            image.created_at,
            image.thumbnail,
            image.png,
        ),
    )
    return _inserted_id(cursor)


def take_image(connection: sqlite3.Connection, image_id: int) -> StoredImage:
    """Delete an image row and return it, blobs included (for undo)."""
    row = connection.execute(
        "SELECT id, png, thumb, width, height, sha256, created_at FROM images WHERE id = ?",
        (image_id,),
    ).fetchone()
    connection.execute("DELETE FROM images WHERE id = ?", (image_id,))
    return StoredImage(
        id=row[0],
        png=bytes(row[1]),
        thumbnail=bytes(row[2]),
        width=row[3],
        height=row[4],
        sha256=row[5],
        created_at=row[6],
    )


def image_column(connection: sqlite3.Connection, image_id: int, column: str) -> bytes | None:
    """One blob column (``png`` or ``thumb``) of an image row; ``None`` if there is none."""
    if column not in ("png", "thumb"):  # the name goes into the SQL text
        raise ValueError(f"images has no blob column {column!r}")
    row = connection.execute(f"SELECT {column} FROM images WHERE id = ?", (image_id,)).fetchone()
    return None if row is None else bytes(row[0])


def image_exists(connection: sqlite3.Connection, image_id: int) -> bool:
    return (
        connection.execute("SELECT 1 FROM images WHERE id = ?", (image_id,)).fetchone() is not None
    )


def insert_history(connection: sqlite3.Connection, entry: HistoryEntry, recipe_json: str) -> int:
    """Store a history row for ``entry`` (``entry.id`` 0: a new id). Returns the id."""
    cursor = connection.execute(
        "INSERT INTO history (id, image_id, kind, created_at, prompt, recipe_json)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (entry.id or None, entry.image_id, entry.kind, entry.created_at, entry.prompt, recipe_json),
    )
    return _inserted_id(cursor)


def take_history(connection: sqlite3.Connection, entry_id: int) -> str:
    """Delete a history row and return its recipe JSON exactly as stored."""
    (recipe_json,) = connection.execute(
        "SELECT recipe_json FROM history WHERE id = ?", (entry_id,)
    ).fetchone()
    connection.execute("DELETE FROM history WHERE id = ?", (entry_id,))
    return str(recipe_json)


def history_exists(connection: sqlite3.Connection, entry_id: int) -> bool:
    return (
        connection.execute("SELECT 1 FROM history WHERE id = ?", (entry_id,)).fetchone() is not None
    )


def image_in_use(connection: sqlite3.Connection, image_id: int) -> bool:
    """Whether any history entry shows this image."""
    row = connection.execute(
        "SELECT EXISTS (SELECT 1 FROM history WHERE image_id = ?)", (image_id,)
    ).fetchone()
    return bool(row[0])


def write_state(connection: sqlite3.Connection, key: str, value_json: str) -> None:
    """Store ``value_json`` under ``key`` in the ``state`` table, replacing what was there."""
    connection.execute(
        "INSERT OR REPLACE INTO state (key, value_json) VALUES (?, ?)", (key, value_json)
    )


def read_state(connection: sqlite3.Connection, key: str) -> object:
    """The raw ``value_json`` stored under ``key``; ``None`` if there is none."""
    row = connection.execute("SELECT value_json FROM state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _inserted_id(cursor: sqlite3.Cursor) -> int:
    # sqlite3 sets lastrowid on every INSERT that succeeded; None would be a bug here.
    row_id = cursor.lastrowid
    assert row_id is not None, "an INSERT without a row id"
    return row_id
