"""Game-asset actions of the window: sprite-sheet export, palette lock, remove background,
pixelate, upscale.

The sprite-sheet export is a job on the CPU lane too; its dialog submits it through
:meth:`JobController.submit_export` and owns its ending.

Remove Background (pymatting, whose kernels compile on first use) and Pixelate (dithering
is a per-pixel loop) are image-edit jobs on the worker's CPU lane, through the one job path
(:meth:`JobController.submit_edit`): same job ids, cancel, endings and commit as generation.
Upscale takes the same path to the GPU lane (a model upscaler needs the engine), with its
progress per tile in the status bar.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal

from studio.domain.history import HistoryEntry
from studio.domain.image_requests import EditSource, ImageRequest, MatteRequest, PixelateRequest
from studio.domain.model_kind import AddonInfo
from studio.domain.pixelate_options import PixelateOptions
from studio.domain.results import ProgressUpdate
from studio.domain.upscale_request import UpscaleRequest
from studio.imaging.decode import load_pixels
from studio.ui.controller import Controller, WindowContext
from studio.ui.job_controller import JobController
from studio.ui.job_records import JobRecord
from studio.ui.palette_lock_dialog import PaletteLockDialog
from studio.ui.pixelate_dialog import PixelateDialog
from studio.ui.sheet_export_dialog import SheetExportDialog
from studio.ui.upscale_dialog import UpscaleDialog
from studio.ui.viewmodels.upscale import UpscaleViewModel, entry_tiling

# What the window says about each edit: (done, not done, "Could not ..." verb)
_WORDS = {
    "pixelate": ("Pixelated", "Not pixelated", "pixelate"),
    "matte": ("Background removed", "Background not removed", "remove the background of"),
    "upscale": ("Upscaled", "Not upscaled", "upscale"),
}


class GameExportController(Controller):
    """Opens the export and palette dialogs; adds background-free copies to the history.

    Signals
    -------
    image_edited(int, QImage)
        The id of the new history entry holding a cut-out or pixelated image, and its pixels.
    edit_ended()
        An image edit ended (result, failure or bug); :attr:`busy` may be False now.
    """

    image_edited = Signal(int, object)
    edit_ended = Signal()

    def __init__(self, context: WindowContext, jobs: JobController) -> None:
        super().__init__(context, context.window)
        self._jobs = jobs
        self.dialog: SheetExportDialog | None = None
        self._running: set[int] = set()  # job ids of edits started and not ended
        self._matte_prepared = False  # its kernels compile on first use in this process
        self._addons: tuple[AddonInfo, ...] = ()  # what the engine found; upscalers among them
        context.facade.addons_changed.connect(lambda found: setattr(self, "_addons", tuple(found)))
        context.facade.progress.connect(self._on_progress)

    @property
    def busy(self) -> bool:
        """True while an image edit runs or waits on the CPU lane."""
        return bool(self._running)

    def sheet_dialog(self, selected_ids: list[int], parent=None) -> SheetExportDialog:
        """The Export Sprite Sheet dialog with ``selected_ids`` checked (not yet shown)."""
        self.dialog = SheetExportDialog(self._document, selected_ids, self._jobs, parent)
        self.dialog.accepted.connect(
            lambda: self._status.say(f"Exported {len(self.dialog.written)} files")
        )
        return self.dialog

    def open_sheet_export(self, selected_ids: list[int], parent=None) -> None:
        self.sheet_dialog(selected_ids, parent).open()

    def palette_dialog(self, entry_id: int, parent=None) -> PaletteLockDialog:
        pixels = self._entry_pixels(entry_id) if entry_id else None
        dialog = PaletteLockDialog(self._document.palette_lock(), pixels, parent)
        dialog.accepted.connect(lambda: self._apply_palette(dialog.palette))
        return dialog

    def open_palette_lock(self, entry_id: int, parent=None) -> None:
        self.palette_dialog(entry_id, parent).open()

    def _apply_palette(self, palette) -> None:
        self._document.set_palette_lock(palette)
        self._status.say(f"Palette locked to {palette.name}" if palette else "Palette lock removed")

    def remove_background(self, entry_id: int) -> bool:
        """Start keying out the entry's flat background; False when there is no entry."""
        hint = (
            ""
            if self._matte_prepared
            else (
                "the first run prepares the matting code, up to a minute; the window stays usable"
            )
        )
        source = self._source(entry_id)
        if source is None:
            return False
        entry, pixels = source
        request = MatteRequest(pixels, source=_edit_source(entry))
        return self.start(request, "Removing the background…", hint)

    def pixelate_dialog(self, entry_id: int, parent=None) -> PixelateDialog:
        dialog = PixelateDialog(self._document.palette_lock(), parent)
        dialog.accepted.connect(lambda: self.pixelate(entry_id, dialog.options()))
        return dialog

    def open_pixelate(self, entry_id: int, parent=None) -> None:
        if not entry_id:
            self._status.say("Pick an image in the history first")
            return
        self.pixelate_dialog(entry_id, parent).open()

    def pixelate(self, entry_id: int, options: PixelateOptions) -> bool:
        """Start turning the entry into palette-exact pixel art (a new entry)."""
        source = self._source(entry_id)
        if source is None:
            return False
        entry, pixels = source
        request = PixelateRequest(pixels, options, source=_edit_source(entry))
        return self.start(request, "Pixelating…")

    def upscale_dialog(self, entry_id: int, parent=None) -> UpscaleDialog | None:
        """The Upscale dialog on the entry (not yet shown); ``None`` when there is none."""
        source = self._source(entry_id)
        if source is None:
            return None
        entry, pixels = source
        view_model = UpscaleViewModel(self._addons, entry_tiling(entry), self)
        dialog = UpscaleDialog(view_model, pixels, self._jobs, parent)
        dialog.accepted.connect(
            lambda: self.start(
                view_model.build_request(pixels, _edit_source(entry)), f"Upscaling #{entry.id}…"
            )
        )
        return dialog

    def open_upscale(self, entry_id: int, parent=None) -> None:
        dialog = self.upscale_dialog(entry_id, parent)
        if dialog is not None:
            dialog.open()

    def start(self, request: ImageRequest | UpscaleRequest, message: str, hint: str = "") -> bool:
        """Queue an edit of a history entry on its lane; False when it could not start."""
        job_id = self._jobs.submit_edit(request, self, self._on_result)
        if job_id is None:
            return False
        self._running.add(job_id)
        self._status.task_started(message, hint)
        return True

    def _on_progress(self, job_id: int, update: ProgressUpdate) -> None:
        # The engine's own status is for generations; an upscale's tiles show on its task bar.
        if job_id in self._running and not update.message:
            self._status.task_progress(update.step, update.total)

    def _source(self, entry_id: int) -> tuple[HistoryEntry, np.ndarray] | None:
        entry = self._document.entry(entry_id) if entry_id else None
        if entry is None:
            self._status.say("Pick an image in the history first")
            return None
        return entry, load_pixels(self._document.image_png(entry.image_id))

    def _entry_pixels(self, entry_id: int) -> np.ndarray | None:
        entry = self._document.entry(entry_id)
        return None if entry is None else load_pixels(self._document.image_png(entry.image_id))

    def _on_result(self, entry: HistoryEntry, record: JobRecord) -> None:
        kind = _kind(record.request)
        if kind == "matte":
            self._matte_prepared = True
        note = (entry.recipe.get("extra") or {}).get("note")
        done = _WORDS[kind][0]
        self._status.say(f"{done}: new entry #{entry.id}" + (f" ({note})" if note else ""))
        self.image_edited.emit(entry.id, record.shown)

    def job_ended(self, record: JobRecord, outcome: str, message: str) -> None:
        """The end of one edit (see :class:`~studio.ui.job_records.EditOwner`)."""
        kind = _kind(record.request)
        _done, not_done, verb = _WORDS[kind]
        source = getattr(record.request, "source", EditSource()).entry_id
        if outcome == "failed":
            self._notice.show_message(f"Could not {verb} #{source}: {message}")
            self._status.say(not_done)
        elif outcome == "cancelled":
            self._status.say(f"{not_done} (cancelled)")
        elif not record.images:  # the result could not be saved; that was said already
            self._status.say(not_done)
        self._running.discard(record.job_id)
        if not self._running:
            self._status.task_ended()
        self.edit_ended.emit()


def _edit_source(entry: HistoryEntry) -> EditSource:
    return EditSource(entry.id, entry.prompt, entry.recipe)


def _kind(request: object) -> str:
    if isinstance(request, UpscaleRequest):
        return "upscale"
    return "matte" if isinstance(request, MatteRequest) else "pixelate"
