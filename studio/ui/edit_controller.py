"""Canvas edits in the window: inpaint mask, outpaint, variations, make seamless, tiled view.

Every edit is a menu action with a shortcut (see :func:`build_edit_actions`) and an undoable
step: brush strokes, invert and clear push the mask before/after on the window's undo stack;
outpaint pushes the canvas (image and mask) before/after. Tiling and the outpaint live in the
Generate view-model (:mod:`studio.ui.viewmodels.generate`), which builds the request.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any, cast

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QMainWindow

from studio.domain.errors import InvalidRequestError
from studio.domain.history import HistoryEntry
from studio.domain.image_requests import EditSource, MakeSeamlessRequest
from studio.domain.request_limits import MAX_SEED
from studio.domain.requests import GenerationRequest
from studio.imaging.outpaint import grow_canvas
from studio.imaging.seamless import default_band, seam_cross_mask
from studio.imaging.seams import seam_scores
from studio.ui.controller import Controller
from studio.ui.edit_actions import build_edit_actions
from studio.ui.edit_dialogs import OutpaintChoice, VaryChoice, ask_outpaint, ask_vary
from studio.ui.edit_panel import EditPanel
from studio.ui.edit_scope import EditScope, EditState
from studio.ui.history_controller import HistoryController
from studio.ui.image_convert import array_from_qimage, mask_qimage, qimage_from_array
from studio.ui.job_controller import JobController
from studio.ui.job_records import JobRecord
from studio.ui.properties import bind
from studio.ui.undo_commands import ValueCommand
from studio.ui.viewmodels.generate import GenerateViewModel, Outpaint

AskOutpaint = Callable[[int, int], OutpaintChoice | None]


class EditController(Controller):
    """Wires the edit actions to the canvas, the undo stack, the history and the job path.

    Tiling and the outpaint the canvas shows live in the Generate view-model, which puts
    them (and the painted mask) into the request; the menu toggles and the edit panel's
    check boxes are bound to the same properties.

    Signals
    -------
    edit_ended()
        A Make Seamless job ended (result, failure or cancel); :attr:`busy` may be False now.
    """

    edit_ended = Signal()

    def __init__(
        self, view_model: GenerateViewModel, history: HistoryController, jobs: JobController
    ) -> None:
        window = jobs.context.window
        assert isinstance(window, QMainWindow), "the edit actions belong to a main window"
        super().__init__(jobs.context, window)
        self._vm, self._history, self._jobs = view_model, history, jobs
        self.seam_label = QLabel()
        self.seam_label.setObjectName("seamScore")
        self._status.insertPermanentWidget(0, self.seam_label)
        self._seamless_jobs: set[int] = set()
        self.actions = build_edit_actions(window)
        # The dialogs that ask; tests replace them with a fixed choice.
        self.ask_outpaint: AskOutpaint = partial(ask_outpaint, window)
        self.ask_vary: Callable[[], VaryChoice | None] = partial(ask_vary, window)
        # Mask and tiling belong to the entry they were made on (0: the empty canvas).
        self.scope = EditScope()
        # Why the current model cannot do a canvas edit ("" when it can); set by the window.
        self.edit_refusal: Callable[[str], str] = lambda _edit: ""
        self._scoped_id = 0
        self._connect()

    def _connect(self) -> None:
        a, canvas = self.actions, self._canvas
        a.paint_mask.toggled.connect(canvas.set_mask_mode)
        a.eraser.toggled.connect(self._set_eraser)
        a.invert_mask.triggered.connect(
            lambda: self._mask_step("Invert mask", canvas.mask_layer.invert)
        )
        a.clear_mask.triggered.connect(
            lambda: self._mask_step("Clear mask", canvas.mask_layer.clear)
        )
        a.outpaint.triggered.connect(lambda: self.outpaint())
        a.make_seamless.triggered.connect(lambda: self.make_seamless())
        a.vary.triggered.connect(lambda: self.vary())
        a.tiled_view.toggled.connect(canvas.set_tiled_view)
        # The menu toggles are the view-model's tiling, as the panel's check boxes are.
        bind(self._vm, "tile_x", a.tile_x)
        bind(self._vm, "tile_y", a.tile_y)
        for toggle in (a.tiled_view, a.tile_x, a.tile_y):
            toggle.toggled.connect(self.update_seam_score)
        canvas.mask_stroke_finished.connect(self._on_stroke)

    def bind_panel(self, panel: EditPanel) -> None:
        """Show the menu actions as the panel's buttons and follow its brush size."""
        a = self.actions
        panel.bind_buttons(a.paint_mask, a.eraser, a.invert_mask, a.clear_mask)
        panel.brush_size_changed.connect(self._set_brush_size)

    def _notify(self, text: str, level: str) -> None:
        self._notice.show_message(text, level)

    def _current_entry(self) -> HistoryEntry | None:
        entry_id = self._history.current_entry_id
        return self._document.entry(entry_id) if entry_id else None

    # -- mask -------------------------------------------------------------------------------

    def _set_eraser(self, on: bool) -> None:
        self._canvas.mask_layer.eraser = on
        if on and not self.actions.paint_mask.isChecked():
            self.actions.paint_mask.setChecked(True)

    def _set_brush_size(self, size: int) -> None:
        self._canvas.mask_layer.brush_size = size

    def _on_stroke(self, before: QImage, after: QImage) -> None:
        self._push_mask("Mask stroke", before, after)

    def _mask_step(self, text: str, change: Callable[[], None]) -> None:
        before = self._canvas.mask_layer.snapshot()
        change()
        after = self._canvas.mask_layer.snapshot()
        if before is not None and after is not None:
            self._push_mask(text, before, after)

    def _push_mask(self, text: str, before: QImage, after: QImage) -> None:
        # The change is already on screen; redo on push re-applies the same mask. Undo goes
        # to the image the stroke was made on, even when another one is shown by then.
        entry_id = self._scoped_id
        self._undo.push(
            ValueCommand(text, lambda mask: self._apply_mask(entry_id, mask), before, after)
        )

    def _apply_mask(self, entry_id: int, mask: Any) -> None:
        if entry_id == self._scoped_id:
            self._canvas.mask_layer.restore(mask)
        else:
            kept = self.scope.state_for(entry_id, None)
            self.scope.keep(entry_id, replace(kept, mask=mask))

    # -- refusals -------------------------------------------------------------------------

    def _refused(self, edit: str) -> bool:
        # Checked before anything changes: a refused outpaint must not grow the canvas.
        reason = self.edit_refusal(edit)
        if reason:
            self._notify(reason, "warning")
        return bool(reason)

    # -- outpaint ---------------------------------------------------------------------------

    def outpaint(self, choice: OutpaintChoice | None = None) -> bool:
        """Grow the canvas (undoable), mask the new area, and generate into it if asked."""
        if self._refused("inpaint"):
            return False
        image = self._canvas.image()
        if image is None:
            self._notify("Show an image on the canvas to outpaint it.", "warning")
            return False
        choice = choice or self.ask_outpaint(image.width(), image.height())
        if choice is None:
            return False
        pixels = array_from_qimage(image)
        try:
            grown = grow_canvas(pixels, choice.margins, choice.fill)
        except InvalidRequestError as exc:
            self._notify(str(exc), "error")
            return False
        old = (image.copy(), self._canvas.mask_layer.snapshot(), self._vm.outpaint)
        new = (
            qimage_from_array(grown.pixels),
            mask_qimage(grown.mask),
            (grown.margins, choice.fill),
        )
        self._undo.push(ValueCommand("Outpaint", self._set_canvas, old, new))
        if choice.generate_now:
            self._jobs.generate()
        return True

    def _set_canvas(self, value: object) -> None:
        image, mask, outpaint = cast(tuple[QImage, QImage | None, Outpaint], value)
        self._vm.outpaint = outpaint
        self._canvas.set_image(image)
        self._canvas.mask_layer.resize(image.size())
        if mask is not None:
            self._canvas.mask_layer.restore(mask)
        self.update_seam_score()

    # -- variations -------------------------------------------------------------------------

    def vary(self, choice: VaryChoice | None = None) -> object:
        """Queue N variations of the shown history image at the chosen strength."""
        if self._refused("variation"):
            return None
        entry = self._current_entry()
        recipe = getattr(entry, "recipe", {}) or {}
        if recipe.get("request_type", "GenerationRequest") != "GenerationRequest" or not recipe:
            self._notify("Show a generated image to vary it (imports and styles have no seed).",
                         "warning")  # fmt: skip
            return None
        try:
            parent = GenerationRequest.from_dict(recipe.get("request", {}))
        except InvalidRequestError as exc:
            self._notify(str(exc), "error")
            return None
        if parent.seed is None or parent.init_image_sha256 is not None:
            self._notify("Only text-to-image results can be varied.", "warning")
            return None
        choice = choice or self.ask_vary()
        if choice is None:
            return None
        request = replace(
            parent,
            batch_count=choice.count,
            variation_seed=random.SystemRandom().randint(0, MAX_SEED),
            variation_strength=choice.strength,
        )
        return self._jobs.submit(request)

    # -- make seamless ----------------------------------------------------------------------

    def make_seamless(self) -> bool:
        """Queue a repair of the shown image's wrap edges (a job on the CPU lane).

        The result tiles already (offset, feathered cross blend, offset back) and joins the
        history; the mask is then left over its wrap edges and Tile X / Y are switched on, so
        Generate can repaint the seam with the model while its convolutions wrap.
        """
        image = self._canvas.image()
        if image is None:
            self._notify("Show an image on the canvas to make it seamless.", "warning")
            return False
        # 0 (or -1 after another project opened): an image on the canvas with no entry.
        entry = self._current_entry() if self._scoped_id > 0 else None
        source = (
            EditSource(entry.id, entry.prompt, entry.recipe)
            if isinstance(entry, HistoryEntry)
            else EditSource()
        )
        request = MakeSeamlessRequest(array_from_qimage(image), source=source)
        job_id = self._jobs.submit_edit(request, self, self._seamless_result)
        if job_id is None:
            return False
        self._seamless_jobs.add(job_id)
        return True

    @property
    def busy(self) -> bool:
        """True while a Make Seamless job runs or waits."""
        return bool(self._seamless_jobs)

    def _seamless_result(self, entry: HistoryEntry, record: JobRecord) -> None:
        self._history.show_entry(entry.id, image=record.shown)
        height, width = entry.height, entry.width
        cross = np.roll(seam_cross_mask(height, width, default_band(height, width)),
                        (height // 2, width // 2), axis=(0, 1))  # fmt: skip
        self._canvas.mask_layer.restore(mask_qimage(cross))
        self._vm.tile_x = self._vm.tile_y = True

    def job_ended(self, record: JobRecord, outcome: str, message: str) -> None:
        """The end of a Make Seamless job (see :class:`~studio.ui.job_records.EditOwner`)."""
        if outcome == "failed":
            self._notify(f"Could not make the image seamless: {message}", "error")
        self._seamless_jobs.discard(record.job_id)
        self.edit_ended.emit()

    # -- status -----------------------------------------------------------------------------

    def leave(self, entry_id: int) -> None:
        """The canvas is about to show another entry: keep ``entry_id``'s mask and tiling."""
        if entry_id != self._scoped_id:
            return
        mask = None if self._canvas.mask_layer.is_empty() else self._canvas.mask_layer.snapshot()
        self.scope.keep(entry_id, EditState(mask, self._vm.tile_x, self._vm.tile_y))

    def canvas_changed(self, entry_id: int = 0, recipe: Any = None) -> None:
        """A history image replaced the canvas: show that image's own mask and tiling.

        It is no longer an outpaint in progress either. ``recipe`` gives the tiling of an
        image seen for the first time.
        """
        self._vm.outpaint = None
        if entry_id != self._scoped_id:
            self._scoped_id = entry_id
            state = self.scope.state_for(entry_id, recipe)
            if state.mask is None:
                self._canvas.mask_layer.clear()
            else:
                self._canvas.mask_layer.restore(state.mask)
            self._vm.tile_x, self._vm.tile_y = state.tile_x, state.tile_y
        self.update_seam_score()

    def forget_all(self) -> None:
        """Another project is open: no kept state means anything any more."""
        self.scope.clear()
        self._scoped_id = -1  # the next canvas_changed applies defaults, even for 0

    def update_seam_score(self) -> None:
        """Show the canvas image's seam scores (about 1: tiles without a visible seam).

        Only while tiling is in play (Tile X/Y or the 3x3 view): for an ordinary sprite the
        score means nothing and a "Seam x 0.00" would only puzzle.
        """
        vm = self._vm
        tiling = vm.tile_x or vm.tile_y or self.actions.tiled_view.isChecked()
        image = self._canvas.image()
        if not tiling or image is None or image.width() < 3 or image.height() < 3:
            self.seam_label.clear()
            return
        scores = seam_scores(array_from_qimage(image))
        self.seam_label.setText(f"Seam x {scores['x']:.2f} · y {scores['y']:.2f}")
        self.seam_label.setToolTip(
            "Jump across the wrap edge divided by the jump between neighbouring pixels "
            "inside: about 1 tiles without a seam."
        )
