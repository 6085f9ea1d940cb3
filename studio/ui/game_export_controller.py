"""Game-asset actions of the window: sprite-sheet export, palette lock, remove background,
pixelate.

Remove Background runs pymatting, which can take seconds on a large image (and compiles its
kernels on first use), and error-diffusion dithering is a per-pixel loop, so both run on Qt's
thread pool (studio.ui.imaging_tasks); the engine's thread is not involved.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QThreadPool, Signal

from studio.diagnostics.error_log import report_bug
from studio.domain.errors import StudioError
from studio.imaging.decode import load_pixels
from studio.imaging.pixelart import PixelateOptions, pixelate
from studio.imaging.png import encode_png
from studio.imaging.thumbnails import make_thumbnail
from studio.ui.document import Document
from studio.ui.imaging_tasks import ImagingEdit, ImagingRelay, ImagingTask
from studio.ui.notice import NoticeBanner
from studio.ui.palette_lock_dialog import PaletteLockDialog
from studio.ui.pixelate_dialog import PixelateDialog
from studio.ui.sheet_export_dialog import SheetExportDialog
from studio.ui.status_bar import JobStatusBar


class GameExportController(QObject):
    """Opens the export and palette dialogs; adds background-free copies to the history.

    Signals
    -------
    image_edited(int)
        The id of the new history entry holding a cut-out or pixelated image.
    edit_ended()
        An image edit ended (result, failure or bug); :attr:`busy` may be False now.
    """

    image_edited = Signal(int)
    edit_ended = Signal()

    def __init__(
        self,
        document: Document,
        status: JobStatusBar,
        notice: NoticeBanner,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._document = document
        self._status = status
        self._notice = notice
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._relay = ImagingRelay(self)
        self._relay.finished.connect(self._on_edit_finished)
        self._relay.failed.connect(self._on_edit_failed)
        self.dialog: SheetExportDialog | None = None
        self._running = 0  # edits started and not ended (the pool runs one at a time)
        self._matte_prepared = False  # its kernels compile on first use in this process

    @property
    def busy(self) -> bool:
        """True while an image edit runs or waits in the pool."""
        return self._running > 0

    def sheet_dialog(self, selected_ids: list[int], parent=None) -> SheetExportDialog:
        """The Export Sprite Sheet dialog with ``selected_ids`` checked (not yet shown)."""
        self.dialog = SheetExportDialog(self._document, selected_ids, parent)
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
        return self._start(entry_id, "matte", _matte, "Removing the background…", hint)

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

        def edit(pixels: np.ndarray) -> tuple[np.ndarray, dict[str, Any]]:
            result, cell = pixelate(pixels, options)
            facts = {"palette": options.palette.name, "dither": options.dither, "grid": cell}
            return result, {**facts, "method": options.method, "outline": options.outline}

        return self._start(entry_id, "pixelate", edit, "Pixelating…")

    def _start(
        self, entry_id: int, kind: str, edit: ImagingEdit, message: str, hint: str = ""
    ) -> bool:
        pixels = self._entry_pixels(entry_id) if entry_id else None
        if pixels is None:
            self._status.say("Pick an image in the history first")
            return False
        self._running += 1
        self._status.task_started(message, hint)
        # Off the GUI thread (pool): the first matte compiles for up to a minute.
        self.pool.start(ImagingTask(entry_id, kind, pixels, edit, self._relay))
        return True

    def _end_task(self) -> None:
        self._running = max(self._running - 1, 0)
        if not self._running:
            self._status.task_ended()
        self.edit_ended.emit()

    def _entry_pixels(self, entry_id: int) -> np.ndarray | None:
        entry = self._document.entry(entry_id)
        return None if entry is None else load_pixels(self._document.image_png(entry.image_id))

    def _on_edit_finished(self, entry_id: int, kind: str, payload: object) -> None:
        try:
            self._add_result(entry_id, kind, payload)
        except StudioError as exc:  # the project could not take it (disk full, read-only)
            self._on_edit_failed(entry_id, kind, str(exc))
            return
        except Exception as exc:  # a bug: logged, the user told where
            self._on_edit_failed(entry_id, kind, report_bug(exc, "Adding the edited image"))
            return
        if kind == "matte":
            self._matte_prepared = True
        self._end_task()

    def _add_result(self, entry_id: int, kind: str, payload: object) -> None:
        result, facts = payload  # type: ignore[misc]
        source = self._document.entry(entry_id)
        recipe = {
            "kind": kind,
            "source_entry_id": entry_id,
            **facts,
            "source_recipe": source.recipe if source else {},
        }
        entry = self._document.add_image(
            kind="import",
            png=encode_png(result),
            thumbnail=make_thumbnail(result),
            width=int(result.shape[1]),
            height=int(result.shape[0]),
            prompt=source.prompt if source else "",
            recipe=recipe,
        )
        done = "Background removed" if kind == "matte" else "Pixelated"
        note = facts.get("note")
        self._status.say(f"{done}: new entry #{entry.id}" + (f" ({note})" if note else ""))
        self.image_edited.emit(entry.id)

    def _on_edit_failed(self, entry_id: int, kind: str, message: str) -> None:
        what = "remove the background of" if kind == "matte" else "pixelate"
        self._notice.show_message(f"Could not {what} #{entry_id}: {message}")
        self._status.say("Background not removed" if kind == "matte" else "Not pixelated")
        self._end_task()

    def shut_down(self) -> None:
        """Wait for a running edit (seconds at most) so no thread outlives the window."""
        self.pool.waitForDone()


def _matte(pixels: np.ndarray) -> tuple[np.ndarray, dict[str, Any]]:
    # scipy and pymatting load on first use, not with the window.
    from studio.imaging.matte import matte_image

    matte = matte_image(pixels)
    if matte.key is None:  # the image was already cut out: its own alpha is kept, not re-keyed
        facts: dict[str, Any] = {"key": None, "method": "own alpha kept, edge bleed"}
    else:
        facts = {
            "key": "#{:02x}{:02x}{:02x}".format(*matte.key),
            "method": "pymatting closed-form, despill, edge bleed",
        }
    if matte.note:
        facts["note"] = matte.note
    return matte.pixels, facts
