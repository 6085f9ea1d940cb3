"""History: what the canvas shows, restoring recipes, delete with undo, init images."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QImage

from studio.domain.errors import InvalidRequestError, StudioError
from studio.domain.history import HistoryEntry
from studio.domain.job_kind import JobKind
from studio.ui.controller import Controller, WindowContext
from studio.ui.history_panel import HistoryPanel
from studio.ui.image_convert import qimage_from_png
from studio.ui.undo_commands import DeleteEntryCommand, ValueCommand
from studio.ui.viewmodels.generate import GenerateViewModel


class HistoryController(Controller):
    """Keeps the history panel, the canvas and the Generate view-model in step with the
    project.

    Picking an entry by hand shows it and restores its recipe into the view-model (seed
    locked, so Generate reproduces it); a freshly generated image is only shown, so a user on
    random seeds stays on random seeds.

    Signals
    -------
    leaving(int)
        The canvas is about to show another entry than this one (0: the empty canvas);
        emitted before the canvas changes, so per-image edit state can be kept.
    current_changed(int)
        The entry shown on the canvas (0 when none).
    """

    leaving = Signal(int)
    current_changed = Signal(int)

    def __init__(
        self, view_model: GenerateViewModel, context: WindowContext, panel: HistoryPanel
    ) -> None:
        super().__init__(context, context.window)
        self._vm, self._panel, self._model = view_model, panel, panel.model
        self._current_id = 0
        # Why the current model cannot do a canvas edit ("" when it can); set by the window.
        self.edit_refusal: Callable[[str], str] = lambda _edit: ""

        context.document.reloaded.connect(self.reload)
        context.document.entry_added.connect(self._model.add_entry)
        context.document.entry_removed.connect(self._on_entry_removed)
        panel.entry_selected.connect(self._on_entry_selected)
        panel.delete_requested.connect(self.delete_entry)
        panel.use_as_init_requested.connect(self.use_as_init)
        panel.use_as_reference_requested.connect(self.use_as_reference)

    # -- showing ----------------------------------------------------------------------------

    @property
    def current_entry_id(self) -> int:
        return self._current_id

    def reload(self) -> None:
        self._model.set_entries(self._document.entries())
        self._current_id = 0
        self._canvas.set_image(None)
        self.current_changed.emit(0)

    def show_entry(
        self, entry_id: int, *, restore_recipe: bool = False, image: QImage | None = None
    ) -> bool:
        """Show an entry on the canvas and select it in the panel.

        Parameters
        ----------
        image
            The entry's pixels when the caller has them (a result just committed), so the
            project is not read back and decoded to show them.
        restore_recipe
            Also put the entry's recipe into the prompt panel (undo and redo, which return
            to an entry, do); a new result or a neighbour shown after a delete does not.
        """
        self._panel.select_entry(entry_id, notify=False)
        self._display(entry_id, image)
        entry = self._document.entry(entry_id)
        if restore_recipe and entry is not None and self._current_id == entry_id:
            self.restore_recipe(entry)
        return self._current_id == entry_id

    def _on_entry_selected(self, entry: HistoryEntry) -> None:
        # Only a pick by the user arrives here (the panel reports nothing else).
        self._display(entry.id)
        self.restore_recipe(entry)

    def _display(self, entry_id: int, image: QImage | None = None) -> None:
        entry = self._document.entry(entry_id)
        if entry is None:
            return
        if entry_id != self._current_id:
            self.leaving.emit(self._current_id)
        if image is None:
            image = qimage_from_png(self._document.image_png(entry.image_id))
        self._canvas.set_image(image)
        self._current_id = entry_id
        self.current_changed.emit(entry_id)

    def restore_recipe(self, entry: HistoryEntry) -> None:
        request = entry.recipe.get("request") if isinstance(entry.recipe, dict) else None
        if entry.kind == JobKind.GENERATE and isinstance(request, dict):
            try:
                self._vm.apply_request(request, lock_seed=True)
            except InvalidRequestError as exc:
                self._status.say(f"The recipe of #{entry.id} was not restored: {exc}")
                return
            self._status.say(f"Recipe of #{entry.id} restored (seed locked)")

    # -- editing ----------------------------------------------------------------------------

    def delete_entry(self, entry_id: int) -> None:
        entry = self._document.entry(entry_id)
        if entry is not None:
            self._undo.push(DeleteEntryCommand(self._document, entry))

    def _on_entry_removed(self, entry_id: int) -> None:
        row = self._model.row_of(entry_id)
        self._model.remove_entry(entry_id)
        if entry_id != self._current_id:
            return
        # Show the neighbour, as a file browser does, rather than leaving a stale image.
        entries = self._model.entries()
        if entries:
            self.show_entry(entries[min(row, len(entries) - 1)].id)
        else:
            self._current_id = 0
            self._canvas.set_image(None)
            self.current_changed.emit(0)

    def use_as_init(self, entry_id: int | None = None) -> bool:
        """Start image-to-image from an entry (the canvas image by default); undoable."""
        refusal = self.edit_refusal("img2img")
        if refusal:
            self._status.say(refusal)
            return False
        entry_id = entry_id or self._current_id
        entry = self._document.entry(entry_id) if entry_id else None
        if entry is None:
            self._status.say("Nothing on the canvas to use as init image")
            return False
        self.set_init_image(self._document.image_png(entry.image_id), f"#{entry.id}")
        return True

    def set_init_image(self, png: bytes | None, label: str = "") -> None:
        old = self._vm.init_image
        if old == png:
            return
        text = f"Use {label} as init image" if png is not None else "Clear init image"
        self._undo.push(ValueCommand(text, self._apply_init_image, old, png))

    def _apply_init_image(self, png: object) -> None:
        self._vm.init_image = png if isinstance(png, bytes) else None

    def use_as_reference(self, entry_id: int) -> bool:
        """Add an entry's image to the reference images of the next Generate."""
        refusal = self.edit_refusal("reference")
        entry = self._document.entry(entry_id)
        if refusal or entry is None:
            self._status.say(refusal or f"History entry #{entry_id} is gone")
            return False
        try:
            self._vm.reference.add_png(self._document.image_png(entry.image_id), f"#{entry.id}")
        except StudioError as exc:
            self._status.say(str(exc))
            return False
        self._status.say(f"#{entry.id} added to the reference images")
        return True
