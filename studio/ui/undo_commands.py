"""Undoable edits of the history and the canvas (QUndoStack commands)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from studio.domain.history import HistoryEntry
from studio.ui.document import Document


class DeleteEntryCommand(QUndoCommand):
    """Delete a history entry; undo puts it back with the same id and pixels."""

    def __init__(self, document: Document, entry: HistoryEntry) -> None:
        super().__init__(f"Delete image #{entry.id}")
        self._document = document
        self._entry_id = entry.id
        self._deleted = None

    def redo(self) -> None:
        self._deleted = self._document.delete_entry(self._entry_id)

    def undo(self) -> None:
        if self._deleted is not None:
            self._document.restore_entry(self._deleted)
            self._deleted = None


class ValueCommand(QUndoCommand):
    """Switch something between two values (init image, canvas image) with undo.

    ``apply`` is called with the new value on redo and the old one on undo, so the command
    holds no knowledge of the widget it changes.
    """

    def __init__(self, text: str, apply: Callable[[object], None], old: object, new: object):
        super().__init__(text)
        self._apply = apply
        self._old = old
        self._new = new

    def redo(self) -> None:
        self._apply(self._new)

    def undo(self) -> None:
        self._apply(self._old)
