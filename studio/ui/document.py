"""The open project as the GUI sees it: a ProjectStore plus signals for the views.

The store commits every image the moment it exists, so "unsaved" only means two things here:
an untitled project (kept in the recovery folder until the user names it) and the panel/canvas
state, which is written on save, on autosave and on close.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from studio.domain.history import HistoryEntry
from studio.domain.results import GeneratedImage
from studio.imaging.palettes import Palette
from studio.ops.commit import commit_shown
from studio.project.palette_lock import load_palette_lock, save_palette_lock
from studio.project.records import DeletedEntry
from studio.project.store import ProjectStore
from studio.worker.jobs import FinishedImage

UI_STATE_KEY = "ui"


class Document(QObject):
    """The project open in the window; long-lived, its store is swapped on New and Open.

    Signals
    -------
    reloaded()
        A different project is now open: views rebuild from :meth:`entries`.
    entry_added(HistoryEntry), entry_removed(int)
        History changed (generation, import, delete, undo).
    title_changed(str)
        The window title should change (file name, untitled, read-only).
    palette_lock_changed()
        The project's locked palette was set or cleared.
    """

    reloaded = Signal()
    entry_added = Signal(object)
    entry_removed = Signal(int)
    palette_lock_changed = Signal()
    title_changed = Signal(str)

    def __init__(self, store: ProjectStore, *, untitled: bool, parent: QObject | None = None):
        super().__init__(parent)
        self._store = store
        self._untitled = untitled

    # -- which project ----------------------------------------------------------------------

    def replace(self, store: ProjectStore, *, untitled: bool, discard_current: bool) -> None:
        """Close the current project (deleting it when it is an untitled one the user
        discarded) and show ``store`` instead."""
        self._close_store(discard=discard_current)
        self._store = store
        self._untitled = untitled
        self.reloaded.emit()
        self.title_changed.emit(self.title())

    def close(self, *, discard: bool = False) -> None:
        self._close_store(discard=discard)

    def _close_store(self, *, discard: bool) -> None:
        self._store.close(discard=discard and self._untitled)

    @property
    def store(self) -> ProjectStore:
        return self._store

    @property
    def path(self) -> Path | None:
        return None if self._untitled else Path(self._store.path)

    @property
    def is_untitled(self) -> bool:
        return self._untitled

    @property
    def read_only(self) -> bool:
        return self._store.read_only

    def has_unsaved_work(self) -> bool:
        """True when closing without saving would drop images (an untitled, non-empty project)."""
        return self._untitled and not self._store.is_empty()

    def display_name(self) -> str:
        return "Untitled" if self._untitled else Path(self._store.path).name

    def title(self) -> str:
        suffix = " (read-only)" if self.read_only else ""
        return f"{self.display_name()}{suffix} — Studio"

    # -- history ----------------------------------------------------------------------------

    def entries(self) -> list[HistoryEntry]:
        return self._store.entries()

    def entry(self, entry_id: int) -> HistoryEntry | None:
        return self._store.entry(entry_id)

    def image_png(self, image_id: int) -> bytes:
        return self._store.image_png(image_id)

    def thumbnail_png(self, image_id: int) -> bytes:
        return self._store.thumbnail_png(image_id)

    def add_finished(self, finished: FinishedImage) -> tuple[HistoryEntry, GeneratedImage]:
        """Commit a finished image and its recipe; returns the new entry and its image.

        The project's rules apply (:func:`studio.ops.commit.commit_shown`): with a locked
        palette the image is snapped to it first, and the recipe says so. The image returned
        is the one stored, so the window shows it without reading the project back.
        """
        entry, image = commit_shown(self._store, finished.result)
        return self._added(entry), image

    def add_image(
        self,
        *,
        kind: str,
        png: bytes,
        thumbnail: bytes,
        width: int,
        height: int,
        prompt: str,
        recipe: dict[str, Any],
    ) -> HistoryEntry:
        return self._added(
            self._store.add_image_entry(kind, png, thumbnail, width, height, prompt, recipe)
        )

    def _added(self, entry: HistoryEntry) -> HistoryEntry:
        self.entry_added.emit(entry)
        if self._untitled and self._store.image_count() == 1:
            self.title_changed.emit(self.title())
        return entry

    def delete_entry(self, entry_id: int) -> DeletedEntry:
        deleted = self._store.delete_entry(entry_id)
        self.entry_removed.emit(entry_id)
        return deleted

    def restore_entry(self, deleted: DeletedEntry) -> HistoryEntry:
        entry = self._store.restore_entry(deleted)
        self.entry_added.emit(entry)
        return entry

    # -- palette lock -----------------------------------------------------------------------

    def palette_lock(self) -> Palette | None:
        """The palette this project is locked to, if any."""
        return load_palette_lock(self._store)

    def set_palette_lock(self, palette: Palette | None) -> None:
        """Lock the project to ``palette`` (``None`` unlocks); new results follow it."""
        if not self.read_only:
            save_palette_lock(self._store, palette)
            self.palette_lock_changed.emit()

    def export_settings(self, key: str) -> dict[str, Any]:
        """Export options remembered for this project (engines chosen, layout...)."""
        return self._store.get_state(key) or {}

    def save_export_settings(self, key: str, settings: dict[str, Any]) -> None:
        if not self.read_only:
            self._store.set_state(key, settings)

    # -- panel and canvas state ------------------------------------------------------------

    def ui_state(self) -> dict[str, Any]:
        return self._store.get_state(UI_STATE_KEY) or {}

    def save_ui_state(self, state: dict[str, Any]) -> None:
        if not self.read_only:
            self._store.set_state(UI_STATE_KEY, state)

    def save_as(self, path: Path, progress: Callable[[int, int], None] | None = None) -> None:
        """Write the whole project to ``path`` atomically and keep working on that file."""
        # The store removes an untitled project's recovery file once the copy is safe.
        self._store.save_as(path, progress=progress)
        self._untitled = False
        self.title_changed.emit(self.title())
