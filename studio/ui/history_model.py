"""The list model behind the history panel: entries newest first, thumbnails on demand."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon, QPixmap

from studio.domain.history import HistoryEntry
from studio.ui.image_convert import qimage_from_png

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
PROMPT_ROLE = Qt.ItemDataRole.UserRole + 2

ThumbnailLoader = Callable[[int], bytes]
_ROOT = QModelIndex()


def describe(entry: HistoryEntry) -> str:
    """Tooltip text: prompt, then the numbers an artist scans for."""
    recipe = entry.recipe.get("request", {}) if isinstance(entry.recipe, dict) else {}
    facts = [f"#{entry.id}", f"{entry.width}×{entry.height}"]
    if isinstance(recipe, dict) and recipe.get("seed") is not None:
        facts.append(f"seed {recipe['seed']}")
    model = entry.recipe.get("model_name") if isinstance(entry.recipe, dict) else None
    if model:
        facts.append(str(model))
    prompt = entry.prompt or "(no prompt)"
    return f"{prompt}\n{' · '.join(facts)}"


class HistoryModel(QAbstractListModel):
    """History entries, newest first. Thumbnails are read from the project when first shown."""

    def __init__(self, thumbnail_loader: ThumbnailLoader, parent=None) -> None:
        super().__init__(parent)
        self._entries: list[HistoryEntry] = []
        self._load_thumbnail = thumbnail_loader
        self._icons: dict[int, QIcon] = {}

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"#{entry.id}"
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icon(entry)
        if role == Qt.ItemDataRole.ToolTipRole:
            return describe(entry)
        if role == ENTRY_ROLE:
            return entry
        if role == PROMPT_ROLE:
            return entry.prompt
        return None

    def _icon(self, entry: HistoryEntry) -> QIcon:
        icon = self._icons.get(entry.image_id)
        if icon is None:
            image = qimage_from_png(self._load_thumbnail(entry.image_id))
            icon = QIcon(QPixmap.fromImage(image)) if not image.isNull() else QIcon()
            self._icons[entry.image_id] = icon
        return icon

    # -- edits ------------------------------------------------------------------------------

    def set_entries(self, entries: list[HistoryEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self._icons.clear()
        self.endResetModel()

    def add_entry(self, entry: HistoryEntry) -> None:
        """Insert where it belongs: newest (highest id) first, so an undone delete returns home."""
        row = next((i for i, e in enumerate(self._entries) if e.id < entry.id), len(self._entries))
        self.beginInsertRows(_ROOT, row, row)
        self._entries.insert(row, entry)
        self.endInsertRows()

    def remove_entry(self, entry_id: int) -> None:
        row = self.row_of(entry_id)
        if row < 0:
            return
        self.beginRemoveRows(_ROOT, row, row)
        removed = self._entries.pop(row)
        self.endRemoveRows()
        self._icons.pop(removed.image_id, None)

    # -- lookups ----------------------------------------------------------------------------

    def row_of(self, entry_id: int) -> int:
        return next((i for i, e in enumerate(self._entries) if e.id == entry_id), -1)

    def entries(self) -> list[HistoryEntry]:
        return list(self._entries)
