"""Game-asset actions of the window: sprite-sheet export, palette lock, remove background.

Remove Background runs pymatting, which can take seconds on a large image (and compiles its
kernels on first use), so it runs on Qt's thread pool and hands the result back to the GUI
thread through a signal; the engine's thread is not involved.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from studio.domain.errors import StudioError
from studio.imaging.decode import load_pixels
from studio.imaging.matte import remove_background
from studio.imaging.png import encode_png
from studio.imaging.thumbnails import make_thumbnail
from studio.ui.document import Document
from studio.ui.notice import NoticeBanner
from studio.ui.palette_lock_dialog import PaletteLockDialog
from studio.ui.sheet_export_dialog import SheetExportDialog
from studio.ui.status_bar import JobStatusBar


class _MatteRelay(QObject):
    """Lives on the GUI thread; the pool thread emits through it (queued to the GUI)."""

    finished = Signal(int, object)
    failed = Signal(int, str)


class _MatteTask(QRunnable):
    def __init__(self, entry_id: int, pixels: np.ndarray, relay: _MatteRelay) -> None:
        super().__init__()
        self._entry_id, self._pixels, self._relay = entry_id, pixels, relay

    def run(self) -> None:
        try:
            result, key = remove_background(self._pixels)
        except StudioError as exc:
            self._relay.failed.emit(self._entry_id, str(exc))
            return
        self._relay.finished.emit(self._entry_id, (result, key))


class GameExportController(QObject):
    """Opens the export and palette dialogs; adds background-free copies to the history.

    Signals
    -------
    background_removed(int)
        The id of the new history entry holding the cut-out image.
    """

    background_removed = Signal(int)

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
        self._relay = _MatteRelay(self)
        self._relay.finished.connect(self._on_matte_finished)
        self._relay.failed.connect(self._on_matte_failed)
        self.dialog: SheetExportDialog | None = None

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
        pixels = self._entry_pixels(entry_id) if entry_id else None
        if pixels is None:
            self._status.say("Pick an image in the history first")
            return False
        self._status.say("Removing the background…")
        self.pool.start(_MatteTask(entry_id, pixels, self._relay))
        return True

    def _entry_pixels(self, entry_id: int) -> np.ndarray | None:
        entry = self._document.entry(entry_id)
        return None if entry is None else load_pixels(self._document.image_png(entry.image_id))

    def _on_matte_finished(self, entry_id: int, payload: object) -> None:
        result, key = payload  # type: ignore[misc]
        source = self._document.entry(entry_id)
        prompt = source.prompt if source else ""
        recipe = {
            "kind": "matte",
            "source_entry_id": entry_id,
            "key": "#{:02x}{:02x}{:02x}".format(*key),
            "method": "pymatting closed-form, despill, edge bleed",
            "source_recipe": source.recipe if source else {},
        }
        entry = self._document.add_image(
            kind="import",
            png=encode_png(result),
            thumbnail=make_thumbnail(result),
            width=int(result.shape[1]),
            height=int(result.shape[0]),
            prompt=prompt,
            recipe=recipe,
        )
        self._status.say(f"Background removed: new entry #{entry.id}")
        self.background_removed.emit(entry.id)

    def _on_matte_failed(self, entry_id: int, message: str) -> None:
        self._notice.show_message(f"Could not remove the background of #{entry_id}: {message}")

    def shut_down(self) -> None:
        """Wait for a running matte (seconds at most) so no thread outlives the window."""
        self.pool.waitForDone()
