"""The open project: every image committed the moment it exists (RELIABILITY 5, 6, 9).

:class:`ProjectStore` owns one SQLite connection and is used from one thread, the GUI thread
(SQLite itself refuses use from another thread). Each method is one transaction, committed
before it returns; callers only ever see :class:`ProjectError`, with a message for the user.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from studio.domain.errors import ProjectError
from studio.domain.history import HistoryEntry
from studio.project import rows
from studio.project.connection import project_error, transaction
from studio.project.new_entry import checked_entry
from studio.project.opening import create_project_file, open_project_file
from studio.project.records import DeletedEntry
from studio.project.saving import SaveProgress, copy_database


class FileLease(Protocol):
    """Something that holds on to the file while a store uses it (an untitled project's lock).

    ``release`` is called once, when the store stops using the file: ``keep_file`` is false
    when the file is no longer needed (it was saved elsewhere, or holds nothing).
    """

    def release(self, *, keep_file: bool) -> None: ...


class ProjectStore:
    """A ``.studio`` project file, open for reading and (unless ``read_only``) writing.

    Create instances with :meth:`create` or :meth:`open`.
    """

    def __init__(
        self,
        connection: sqlite3.Connection,
        path: Path,
        *,
        read_only_reason: str | None = None,
        lease: FileLease | None = None,
    ) -> None:
        self._connection: sqlite3.Connection | None = connection
        self._path = path
        self._read_only_reason = read_only_reason
        self._lease = lease
        self.migration_backup: Path | None = None

    @classmethod
    def create(cls, path: str | Path, *, lease: FileLease | None = None) -> ProjectStore:
        """Create a new, empty project file; never overwrites an existing file.

        Raises
        ------
        ProjectError
            If ``path`` exists or cannot be written.
        """
        target = Path(path).absolute()
        return cls(create_project_file(target), target, lease=lease)

    @classmethod
    def open(cls, path: str | Path, *, lease: FileLease | None = None) -> ProjectStore:
        """Open a project file, upgrading an older format after a backup copy.

        A file from a newer Studio, or one that cannot be written, opens with ``read_only``
        set and ``read_only_reason`` saying why; ``migration_backup`` is the copy made before
        an upgrade.

        Raises
        ------
        ProjectError
            If the file is missing, damaged or not a project; it is then left untouched.
        """
        target = Path(path).absolute()
        opened = open_project_file(target)
        store = cls(
            opened.connection, target, read_only_reason=opened.read_only_reason, lease=lease
        )
        store.migration_backup = opened.migration_backup
        return store

    @property
    def path(self) -> Path:
        """The file this store reads and writes."""
        return self._path

    @property
    def read_only(self) -> bool:
        return self._read_only_reason is not None

    @property
    def read_only_reason(self) -> str | None:
        """Why the project cannot be changed, in words for the user; ``None`` when it can."""
        return self._read_only_reason

    @property
    def closed(self) -> bool:
        return self._connection is None

    def close(self, *, discard: bool = False) -> None:
        """Close the file. Everything was committed already; closing twice is harmless.

        Parameters
        ----------
        discard
            For an untitled project (one held by a lease), also delete its file: the user
            chose to throw the work away. A named project file is never deleted.
        """
        if self._connection is None:
            return
        try:
            keep_file = not discard and not self.is_empty()
        except ProjectError:
            keep_file = True  # a damaged file is kept, whatever it holds
        self._connection.close()
        self._connection = None
        self._release_lease(keep_file=keep_file)

    def __enter__(self) -> ProjectStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- history ---------------------------------------------------------------------------

    def add_image_entry(
        self,
        kind: str,
        png: bytes,
        thumbnail: bytes,
        width: int,
        height: int,
        prompt: str,
        recipe: dict[str, Any] | str,
    ) -> HistoryEntry:
        """Store an image and its history entry in one transaction, committed on return.

        Parameters
        ----------
        kind
            ``"generate"``, ``"style"`` or ``"import"``.
        png
            The image as lossless PNG bytes (identical bytes are stored once).
        thumbnail
            Encoded thumbnail (see :func:`studio.imaging.thumbnails.make_thumbnail`).
        width, height
            Size of the image in pixels.
        prompt
            Shown in and searched by the history panel.
        recipe
            JSON text, stored as it is (a result's recipe is serialised once, where it is
            made), or a JSON-able dict whose values JSON cannot hold are stored as text.

        Raises
        ------
        ValueError
            If ``png`` is not PNG data, the size is not positive or ``recipe`` is not JSON.
        ProjectError
            If the project is read-only or the write failed (nothing is then stored).
        """
        new = checked_entry(kind, png, thumbnail, width, height, prompt, recipe)
        entry, recipe_json = new.entry, new.recipe_json
        with self._writing("save the new image") as connection:
            image_id = rows.find_image(connection, new.image.sha256, len(png))
            if image_id is None:
                image_id = rows.insert_image(connection, new.image)
            entry = replace(entry, image_id=image_id)
            entry = replace(entry, id=rows.insert_history(connection, entry, recipe_json))
        return replace(entry, recipe=new.recipe)

    def entries(self, filter_text: str = "") -> list[HistoryEntry]:
        """History entries, newest first, whose prompt contains ``filter_text`` (any case)."""
        with self._reading("read the history") as connection:
            found = connection.execute(rows.ENTRY_QUERY + " ORDER BY h.id DESC").fetchall()
        folded = filter_text.casefold()
        # Filter on the prompt before decoding recipes: the history box filters as you type.
        return [rows.entry_from_row(row) for row in found if folded in str(row[4]).casefold()]

    def entry(self, entry_id: int) -> HistoryEntry:
        """One history entry.

        Raises
        ------
        ProjectError
            If there is no entry with this id.
        """
        with self._reading("read the history") as connection:
            row = connection.execute(rows.ENTRY_QUERY + " WHERE h.id = ?", (entry_id,)).fetchone()
        if row is None:
            raise ProjectError(f"History entry {entry_id} is not in {self._path.name}.")
        return rows.entry_from_row(row)

    def image_png(self, image_id: int) -> bytes:
        """The lossless PNG bytes of an image, exactly as stored."""
        return self._image_column(image_id, "png")

    def thumbnail_png(self, image_id: int) -> bytes:
        """The thumbnail of an image, exactly as stored."""
        return self._image_column(image_id, "thumb")

    def image_count(self) -> int:
        """Number of images stored (an image shared by several entries counts once)."""
        with self._reading("read the project") as connection:
            return int(connection.execute("SELECT count(*) FROM images").fetchone()[0])

    def is_empty(self) -> bool:
        """Whether the project holds no image and no history entry."""
        with self._reading("read the project") as connection:
            row = connection.execute(
                "SELECT EXISTS (SELECT 1 FROM images) OR EXISTS (SELECT 1 FROM history)"
            ).fetchone()
        return not row[0]

    def delete_entry(self, entry_id: int) -> DeletedEntry:
        """Delete a history entry, and its image when no other entry shows it.

        Returns
        -------
        DeletedEntry
            What :meth:`restore_entry` needs to put it back, image bytes included.
        """
        entry = self.entry(entry_id)
        with self._writing("delete the entry") as connection:
            recipe_json = rows.take_history(connection, entry_id)
            image = None
            if not rows.image_in_use(connection, entry.image_id):
                image = rows.take_image(connection, entry.image_id)
        return DeletedEntry(entry=entry, recipe_json=recipe_json, image=image)

    def restore_entry(self, deleted: DeletedEntry) -> HistoryEntry:
        """Put a deleted entry (and its image) back, under the same ids.

        Raises
        ------
        ProjectError
            If the entry is already there, or its image is gone (restore later deletions
            first, in undo order).
        """
        entry, image = deleted.entry, deleted.image
        with self._writing("restore the entry") as connection:
            if rows.history_exists(connection, entry.id):
                raise ProjectError(f"History entry {entry.id} is already in the project.")
            if image is not None and not rows.image_exists(connection, image.id):
                rows.insert_image(connection, image)
            if not rows.image_exists(connection, entry.image_id):
                raise ProjectError(
                    f"The image of history entry {entry.id} is gone; undo later deletions first."
                )
            rows.insert_history(connection, entry, deleted.recipe_json)
        return self.entry(entry.id)

    # -- state -----------------------------------------------------------------------------

    def set_state(self, key: str, value: dict[str, Any]) -> None:
        """Store a JSON document (canvas, prompt panel, UI state) under ``key``."""
        if not isinstance(value, dict):
            raise ValueError(f"state values must be dicts, not {type(value).__name__}")
        value_json = json.dumps(value, default=str)
        with self._writing("save the project state") as connection:
            rows.write_state(connection, key, value_json)

    def get_state(self, key: str) -> dict[str, Any] | None:
        """The document stored under ``key``; ``None`` if absent or unreadable."""
        with self._reading("read the project state") as connection:
            text = rows.read_state(connection, key)
        value = rows.read_document(text) if text is not None else None
        return value if isinstance(value, dict) else None

    # -- saving ----------------------------------------------------------------------------

    def save_as(self, path: str | Path, *, progress: SaveProgress | None = None) -> None:
        """Copy the whole project to ``path`` atomically, then continue working on the copy.

        A crash, a full disk or an exception part-way (``progress`` may raise to cancel)
        leaves whatever was at ``path`` intact and openable, and this store unchanged.

        Parameters
        ----------
        path
            The new file; an existing file there is replaced (ask the user first).
        progress
            Called as ``progress(pages_done, pages_total)`` while copying.

        Raises
        ------
        ProjectError
            If the copy could not be written; the message says why (disk full ...).
        """
        target = Path(path).absolute()
        if target == self._path:
            return  # every change is committed already
        connection = self._live_connection()
        try:
            copy_database(connection, target, progress=progress)
        except (sqlite3.Error, OSError) as exc:
            raise project_error(exc, target.name, f"save {target.name}") from None
        opened = open_project_file(target)
        connection.close()
        self._connection = opened.connection
        self._path = target
        self._read_only_reason = opened.read_only_reason
        self._release_lease(keep_file=False)

    # -- internals -------------------------------------------------------------------------

    def _live_connection(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ProjectError("The project is closed; open it again.")
        return self._connection

    @contextmanager
    def _reading(self, action: str) -> Iterator[sqlite3.Connection]:
        connection = self._live_connection()
        try:
            yield connection
        except sqlite3.Error as exc:
            raise project_error(exc, self._path.name, action) from None

    @contextmanager
    def _writing(self, action: str) -> Iterator[sqlite3.Connection]:
        if self._read_only_reason is not None:
            raise ProjectError(f"Could not {action}: {self._read_only_reason}")
        connection = self._live_connection()
        try:
            with transaction(connection):
                yield connection
        except (sqlite3.Error, OSError) as exc:
            raise project_error(exc, self._path.name, action) from None

    def _image_column(self, image_id: int, column: str) -> bytes:
        with self._reading("read the image") as connection:
            data = rows.image_column(connection, image_id, column)
        if data is None:
            raise ProjectError(f"Image {image_id} is not in {self._path.name}.")
        return data

    def _release_lease(self, *, keep_file: bool) -> None:
        lease, self._lease = self._lease, None
        if lease is not None:
            lease.release(keep_file=keep_file)
