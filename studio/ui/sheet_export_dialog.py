"""The Export Sprite Sheet dialog: preview the sheet live, export it as a job on the CPU lane.

Everything the export does is computed by studio.imaging.sheets; the dialog repacks on every
change (throttled, on the GUI thread: a small sheet) so the preview is always the sheet that
will be written. Writing is a :class:`~studio.domain.export_requests.SheetExportRequest` run
by the worker's CPU lane (:mod:`studio.ops.export`, the path of ``studio sheet`` too): the
dialog shows a busy bar meanwhile, closes when every file is written and shows the one-line
reason when none is. The form itself (widgets, remembered settings) is
:mod:`studio.ui.sheet_export_form`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QListWidgetItem, QWidget

from studio.domain.errors import StudioError
from studio.domain.export_requests import (
    AnimationSpec,
    ExportImage,
    LockedPalette,
    SheetExportRequest,
)
from studio.domain.sheet_options import SheetOptions
from studio.imaging.decode import load_pixels
from studio.imaging.palettes import off_palette_mask
from studio.imaging.palettes.lock import snap_to_palette
from studio.imaging.sheets import (
    PackedSheet,
    SheetFrame,
    frame_name,
    pack_sheet,
    sheet_files,
)
from studio.ops.export_manifest import files_replaced
from studio.ui.document import Document
from studio.ui.export_job_dialog import ExportJobs
from studio.ui.image_convert import qimage_from_png
from studio.ui.sheet_export_form import ENTRY_ROLE, SheetExportForm

EXPORT_STATE_KEY = "sheet_export"
__all__ = ["ENTRY_ROLE", "EXPORT_STATE_KEY", "SheetExportDialog"]


class SheetExportDialog(SheetExportForm):
    """Choose frames and animations, see the sheet, write it for the chosen engines.

    The export job and its signals: :class:`~studio.ui.export_job_dialog.ExportJobDialog`.
    """

    what = "sprite sheet"
    state_key = EXPORT_STATE_KEY

    def __init__(
        self,
        document: Document,
        selected_ids: list[int],
        jobs: ExportJobs,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sheetExportDialog")
        self.setWindowTitle("Export Sprite Sheet")
        self._document = document
        self._jobs = jobs
        self._pixels: dict[int, Any] = {}
        self.sheet: PackedSheet | None = None
        self._fill_entries(selected_ids)
        self.view_model.restore(document.export_settings(EXPORT_STATE_KEY))
        self._connect()
        self.repack()

    def _fill_entries(self, selected_ids: list[int]) -> None:
        # Oldest first: the order things were made is the usual frame order.
        for entry in reversed(self._document.entries()):
            item = QListWidgetItem(frame_name(f"{entry.prompt[:24]} {entry.id}"))
            item.setData(ENTRY_ROLE, entry.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            item.setCheckState(
                Qt.CheckState.Checked if entry.id in selected_ids else Qt.CheckState.Unchecked
            )
            icon = qimage_from_png(self._document.thumbnail_png(entry.image_id))
            item.setIcon(QIcon(QPixmap.fromImage(icon)))
            item.setToolTip(entry.prompt)
            self.entries.addItem(item)
        palette = self._document.palette_lock()
        self.snap.setVisible(palette is not None)
        self.view_model.snap = palette is not None
        if palette is not None:
            self.snap.setText(f"Snap to the project palette ({palette.name})")

    def _connect(self) -> None:
        vm = self.view_model
        packing = ("layout", "columns", "padding", "extrude", "trim", "pot", "scale", "max_size")
        for name in (*packing, "pixel_art", "snap"):
            getattr(vm, f"{name}_changed").connect(self._schedule_refresh)
        self.entries.itemChanged.connect(self._schedule_refresh)
        self.animations.itemChanged.connect(self._schedule_refresh)

    # -- packing (the live preview) ---------------------------------------------------------

    def _frames(self, *, snap: bool) -> list[SheetFrame]:
        palette = self._document.palette_lock() if snap and self.view_model.snap else None
        frames = []
        for item in self.checked_items():
            entry = self._document.entry(item.data(ENTRY_ROLE))
            if entry is None:  # deleted from the history since the dialog opened
                raise StudioError(f"Frame {item.text()!r} is no longer in the project: uncheck it.")
            pixels = self._pixels.get(entry.id)
            if pixels is None:
                pixels = self._pixels[entry.id] = load_pixels(
                    self._document.image_png(entry.image_id)
                )
            if palette is not None:
                pixels = snap_to_palette(pixels, palette)
            source = {"entry_id": entry.id, "prompt": entry.prompt, "recipe": entry.recipe}
            frames.append(SheetFrame(item.text(), pixels, source))
        return frames

    def _options(self) -> SheetOptions:
        return self.view_model.options(len(self.checked_items()))

    def repack(self) -> None:
        """Pack the checked frames now and show the result (or the reason there is none)."""
        self.preview_timer.stop()  # this pack covers any change still waiting for one
        self.sheet, self.error = None, None
        try:
            frames = self._frames(snap=True)
            if not frames:
                raise StudioError("Check the entries that become frames.")
            self.sheet = pack_sheet(frames, self.animation_list(), self._options())
        except StudioError as exc:
            self.error = str(exc)
            self.preview.show_message(self.error)
            self.summary.setText("")
            self._enable_buttons()
            return
        self.preview.show_sheet(self.sheet)
        self.summary.setText(self._describe(self.sheet))
        self._enable_buttons()

    refresh = repack

    def _describe(self, sheet: PackedSheet) -> str:
        sizes = ", ".join(f"{w}×{h}" for w, h in map(sheet.page_size, range(len(sheet.pages))))
        text = f"{len(sheet.frames)} frame(s) on {len(sheet.pages)} page(s): {sizes}."
        animations = ", ".join(
            f"{a.name} ({len(a.frames)} @ {a.fps:g} fps)" for a in sheet.animations
        )
        if animations:
            text += f" Animations: {animations}."
        palette = self._document.palette_lock()
        if palette is not None:
            off = sum(int(off_palette_mask(page, palette).sum()) for page in sheet.pages)
            text += f" Off-palette pixels ({palette.name}): {off}."
        return text

    def ready(self) -> bool:
        """Whether a sheet is packed (the preview shows it): Export… is enabled."""
        return self.sheet is not None

    def files_to_replace(self, folder: Path) -> list[str]:
        """The names an export into ``folder`` would replace (the user is asked first)."""
        if self.sheet is None:
            return []
        return files_replaced(Path(folder), self._files())

    def _files(self) -> dict[str, bytes]:
        if self.sheet is None:
            return {}
        return sheet_files(self.sheet, self.view_model.file_name(), list(self.view_model.engines))

    def _build_request(self, folder: Path) -> SheetExportRequest:
        """The current sheet's export into ``folder``, as ``studio sheet`` asks it
        (:func:`studio.ops.export.export_sheet`); ``overwrite``: the user was asked."""
        palette = self._document.palette_lock() if self.view_model.snap else None
        return SheetExportRequest(
            folder=folder,
            # Raw frames: the lane snaps them to the palette, off the GUI thread.
            frames=tuple(ExportImage(f.name, f.pixels, f.source) for f in self._frames(snap=False)),
            formats=self.view_model.engines,
            name=self.view_model.file_name(),
            animations=tuple(AnimationSpec(a.name, a.frames, a.fps) for a in self.animation_list()),
            palette=None if palette is None else LockedPalette(palette.name, palette.colours),
            overwrite=True,
            options=self._options(),
        )
