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
from typing import Any, Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QListWidgetItem,
    QMessageBox,
    QWidget,
)

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
from studio.ui.image_convert import qimage_from_png
from studio.ui.job_records import EditOwner, JobRecord
from studio.ui.sheet_export_form import ENTRY_ROLE, SheetExportForm

EXPORT_STATE_KEY = "sheet_export"
__all__ = ["ENTRY_ROLE", "EXPORT_STATE_KEY", "ExportJobs", "SheetExportDialog"]


class ExportJobs(Protocol):
    """Where the dialog's export runs: :class:`studio.ui.job_controller.JobController`."""

    def submit_export(self, request: SheetExportRequest, owner: EditOwner) -> int: ...

    def cancel_job(self, job_id: int) -> None: ...


class SheetExportDialog(SheetExportForm):
    """Choose frames and animations, see the sheet, write it for the chosen engines.

    Signals
    -------
    export_ended(str, str)
        The export job ended: ``"finished"`` (the dialog then closes), ``"failed"`` with
        its one-line message, or ``"cancelled"``.
    """

    export_ended = Signal(str, str)

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
        self._export: tuple[int, Path] | None = None  # the running export: job id, folder
        self.sheet: PackedSheet | None = None
        self.error: str | None = None
        self.written: list[Path] = []
        self._repack_timer = QTimer(self, singleShot=True, interval=120)
        self._repack_timer.timeout.connect(self.repack)
        self.export_requested.connect(self._on_export)
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
            getattr(vm, f"{name}_changed").connect(self._schedule_repack)
        self.entries.itemChanged.connect(self._schedule_repack)
        self.animations.itemChanged.connect(self._schedule_repack)

    # -- packing (the live preview) ---------------------------------------------------------

    def _schedule_repack(self, *_args: object) -> None:
        self._repack_timer.start()

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
        self._repack_timer.stop()  # this pack covers any change still waiting for one
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

    def files_to_replace(self, folder: Path) -> list[str]:
        """The names an export into ``folder`` would replace (the user is asked first)."""
        if self.sheet is None:
            return []
        return files_replaced(Path(folder), self._files())

    def _files(self) -> dict[str, bytes]:
        if self.sheet is None:
            return {}
        return sheet_files(self.sheet, self.view_model.file_name(), list(self.view_model.engines))

    # -- the export job ---------------------------------------------------------------------

    @property
    def exporting(self) -> bool:
        """True from the moment an export is submitted until it ends."""
        return self._export is not None

    def export_to(self, folder: Path) -> int:
        """Start writing the current sheet in the checked formats into ``folder``.

        The one export path of the CLI too (:func:`studio.ops.export.export_sheet`), run on
        the CPU lane: every file or none. Files of an earlier export are replaced
        (:meth:`_on_export` asks first). Returns the job id; the end comes to
        :meth:`job_ended` (and :attr:`export_ended`).

        Raises
        ------
        StudioError
            Nothing to export, or an animation row the form cannot read (one line).
        """
        if self.sheet is None:
            raise StudioError(self.error or "Nothing to export.")
        palette = self._document.palette_lock() if self.view_model.snap else None
        request = SheetExportRequest(
            folder=Path(folder),
            # Raw frames: the lane snaps them to the palette, off the GUI thread.
            frames=tuple(ExportImage(f.name, f.pixels, f.source) for f in self._frames(snap=False)),
            formats=self.view_model.engines,
            name=self.view_model.file_name(),
            animations=tuple(AnimationSpec(a.name, a.frames, a.fps) for a in self.animation_list()),
            palette=None if palette is None else LockedPalette(palette.name, palette.colours),
            overwrite=True,
            options=self._options(),
        )
        job_id = self._jobs.submit_export(request, self)
        self._export = (job_id, Path(folder))
        self.summary.setText(f"Exporting to {folder}…")
        self._enable_buttons()
        return job_id

    def job_ended(self, record: JobRecord, outcome: str, message: str) -> None:
        """The export job ended (see :class:`~studio.ui.job_records.EditOwner`)."""
        folder = self._export[1] if self._export is not None else None
        self._export = None
        self._enable_buttons()
        if outcome == "finished" and folder is not None:
            self.written = list(record.written)
            self.view_model.folder = str(folder)
            self._document.save_export_settings(EXPORT_STATE_KEY, self.view_model.settings())
        elif outcome == "failed":
            self.summary.setText(f"Could not export: {message}")
        else:
            self.summary.setText("Not exported: the export was cancelled.")
        self.export_ended.emit(outcome, message)
        if outcome == "finished":
            self.accept()

    def _enable_buttons(self) -> None:
        busy = self.exporting
        self.busy_bar.setVisible(busy)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(not busy and self.sheet is not None)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(not busy)

    def reject(self) -> None:
        """Esc or the window's close button: while exporting, cancel the export instead of
        leaving it unreported; the dialog stays until the job says how it ended."""
        if self._export is not None:
            self._jobs.cancel_job(self._export[0])
            self.summary.setText("Cancelling the export…")
            return
        super().reject()

    def done(self, result: int) -> None:
        """Close the dialog; a repack still waiting for its moment is dropped."""
        self._repack_timer.stop()
        super().done(result)

    def confirm_replace(self, folder: Path, names: list[str]) -> bool:
        """Ask before an export replaces files already in ``folder`` (as ``-o`` never does
        without ``--overwrite``); tests replace this method."""
        shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        answer = QMessageBox.question(
            self,
            "Replace the earlier export?",
            f"{folder} already holds {shown}.\n\n"
            f"Replace {'it' if len(names) == 1 else 'them'} with this export?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _on_export(self) -> None:
        if self.exporting:
            return
        folder = QFileDialog.getExistingDirectory(
            self, "Export Sprite Sheet To", self.view_model.folder
        )
        if not folder:
            return
        replaced = self.files_to_replace(Path(folder))
        if replaced and not self.confirm_replace(Path(folder), replaced):
            self.summary.setText("Not exported: choose another folder, or agree to replace.")
            return
        try:
            self.export_to(Path(folder))
        except StudioError as exc:
            self.summary.setText(f"Could not export: {exc}")
