"""The history panel: every result as a thumbnail, newest first, filterable by prompt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListView, QMenu, QVBoxLayout, QWidget

from studio.domain.history import HistoryEntry
from studio.ui.history_model import ENTRY_ROLE, PROMPT_ROLE, HistoryModel

THUMB_SIZE = 96


class HistoryListView(QListView):
    """A list view that tells a pick by the user from the current index merely moving.

    Qt moves the current index by itself when rows are filtered out, removed or added (and
    on focus-in when there is none). Only a change made while the user presses a key or
    the mouse here is a pick; ``user_input`` says so, and the panel reports nothing else.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.user_input = False

    def _as_user(self, handler: Callable[[Any], None], event: Any) -> None:
        self.user_input = True
        try:
            handler(event)
        finally:
            self.user_input = False

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._as_user(super().mousePressEvent, event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._as_user(super().mouseMoveEvent, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._as_user(super().keyPressEvent, event)


class HistoryPanel(QWidget):
    """Thumbnails of the project's history.

    Signals
    -------
    entry_selected(HistoryEntry)
        The user picked an entry (click, arrow keys, :meth:`select_entry`). Filtering and
        rows coming and going never emit it: they change no settings.
    delete_requested(int), use_as_init_requested(int), use_as_style_requested(int),
    export_requested(int), sheet_export_requested(int), remove_background_requested(int),
    upscale_requested(int), character_sheet_requested(int)
        Asked from the context menu or the keyboard, with the entry id.
    """

    entry_selected = Signal(object)
    delete_requested = Signal(int)
    use_as_init_requested = Signal(int)
    use_as_style_requested = Signal(int)
    use_as_reference_requested = Signal(int)
    export_requested = Signal(int)
    sheet_export_requested = Signal(int)
    remove_background_requested = Signal(int)
    upscale_requested = Signal(int)
    character_sheet_requested = Signal(int)

    def __init__(self, model: HistoryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyPanel")
        self.model = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setFilterRole(PROMPT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("historyFilter")
        self.filter_edit.setPlaceholderText("Filter by prompt")
        self.filter_edit.setClearButtonEnabled(True)

        self._shown_id = 0  # the entry on the canvas, kept current across filtering
        self._picking = False
        # Why the current model cannot start from an image ("" when it can); set by the window.
        self.init_refusal: Callable[[], str] = lambda: ""
        self.reference_refusal: Callable[[], str] = lambda: ""
        self.view = HistoryListView()
        self.view.setObjectName("historyList")
        self.view.setModel(self.proxy)
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setIconSize(QSize(THUMB_SIZE, THUMB_SIZE))
        self.view.setGridSize(QSize(THUMB_SIZE + 16, THUMB_SIZE + 28))
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setUniformItemSizes(True)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

        self.empty_label = QLabel()
        self.empty_label.setObjectName("historyEmptyState")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label)

        self.delete_action = QAction("Delete from History", self)
        self.delete_action.setShortcuts(
            [QKeySequence(QKeySequence.StandardKey.Delete), QKeySequence("Backspace")]
        )
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.view.addAction(self.delete_action)

        self.filter_edit.textChanged.connect(self._on_filter_changed)
        self.view.selectionModel().currentChanged.connect(self._on_current_changed)
        self.view.customContextMenuRequested.connect(self._on_context_menu)
        self.delete_action.triggered.connect(self._on_delete_current)
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self._update_empty_state)
        self._update_empty_state()

    # -- selection --------------------------------------------------------------------------

    def current_entry(self) -> HistoryEntry | None:
        index = self.view.currentIndex()
        return index.data(ENTRY_ROLE) if index.isValid() else None

    def select_entry(self, entry_id: int, *, notify: bool = True) -> bool:
        """Make ``entry_id`` current; False if it is not in the list or filtered out.

        Parameters
        ----------
        notify
            Emit ``entry_selected`` as a pick by the user would (recipe restored). False
            when the window only shows an entry (a new result, undo, a neighbour).
        """
        self._shown_id = entry_id
        index = self._proxy_index(entry_id)
        if not index.isValid():
            return False
        self._picking = notify
        try:
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        finally:
            self._picking = False
        self.view.scrollTo(index)
        return True

    def _proxy_index(self, entry_id: int):
        row = self.model.row_of(entry_id)
        if row < 0:
            return self.proxy.index(-1, 0)
        return self.proxy.mapFromSource(self.model.index(row, 0))

    def _keep_shown_current(self) -> None:
        # After filtering, the highlighted thumbnail is the canvas image or none at all, so
        # Delete and the menu act on what the user sees; nothing is reported.
        index = self._proxy_index(self._shown_id)
        selection = self.view.selectionModel()
        if index.isValid():
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        else:
            selection.clear()

    def visible_entries(self) -> list[HistoryEntry]:
        return [self.proxy.index(r, 0).data(ENTRY_ROLE) for r in range(self.proxy.rowCount())]

    # -- slots ------------------------------------------------------------------------------

    def _on_current_changed(self, current, _previous) -> None:
        if not current.isValid() or not (self._picking or self.view.user_input):
            return
        entry: HistoryEntry = current.data(ENTRY_ROLE)
        self._shown_id = entry.id
        self.entry_selected.emit(entry)

    def _on_filter_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self._keep_shown_current()
        self._update_empty_state()

    def _on_delete_current(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.delete_requested.emit(entry.id)

    def _on_context_menu(self, pos) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        self.context_menu(index.data(ENTRY_ROLE)).exec(self.view.viewport().mapToGlobal(pos))

    def context_menu(self, entry: HistoryEntry) -> QMenu:
        """The right-click menu of ``entry``; what the current model cannot do is disabled."""
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        use_as_init = menu.addAction(
            "Use as Init Image", lambda: self.use_as_init_requested.emit(entry.id)
        )
        refusal = self.init_refusal()
        use_as_init.setEnabled(not refusal)
        use_as_init.setToolTip(refusal)
        menu.addAction("Use as Style", lambda: self.use_as_style_requested.emit(entry.id))
        use_as_reference = menu.addAction(
            "Use as Reference", lambda: self.use_as_reference_requested.emit(entry.id)
        )
        refusal = self.reference_refusal()
        use_as_reference.setEnabled(not refusal)
        use_as_reference.setToolTip(refusal or "Add it to the reference images of Generate")
        menu.addAction("Export Image…", lambda: self.export_requested.emit(entry.id))
        menu.addAction(
            "Export as Sprite Sheet…", lambda: self.sheet_export_requested.emit(entry.id)
        )
        menu.addAction("Remove Background", lambda: self.remove_background_requested.emit(entry.id))
        menu.addAction("Upscale…", lambda: self.upscale_requested.emit(entry.id))
        menu.addAction("Character Sheet…", lambda: self.character_sheet_requested.emit(entry.id))
        menu.addSeparator()
        menu.addAction("Delete from History", lambda: self.delete_requested.emit(entry.id))
        return menu

    def _update_empty_state(self) -> None:
        if self.model.rowCount() == 0:
            text = "Every image you make appears here, newest first.\nNothing is ever lost."
        elif self.proxy.rowCount() == 0:
            text = f"No image's prompt contains “{self.filter_edit.text()}”."
        else:
            text = ""
        self.empty_label.setText(text)
        self.empty_label.setVisible(bool(text))
