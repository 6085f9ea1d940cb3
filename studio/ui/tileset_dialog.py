"""The Export Tile Set dialog: pick tiles from the history, see the set and a sample map,
export for Tiled and Godot 4 as a job on the CPU lane.

The preview is built on the GUI thread (throttled; tiles are small) with the same
:func:`~studio.imaging.tilesets.build_tileset` the export uses, so what the dialog shows is
what will be written. Writing is a :class:`~studio.domain.export_requests.TilesetRequest`, the
request ``studio tileset`` makes, run by the worker's CPU lane through
:func:`studio.ops.export.export_tileset`: a busy bar meanwhile, the dialog closes when every
file is written and shows the one-line reason when none is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox, QWidget

from studio.domain.errors import StudioError
from studio.domain.export_requests import ExportImage
from studio.domain.jobs import ExportRequest
from studio.imaging.decode import load_pixels
from studio.imaging.tilesets import build_tileset, tileset_file_names
from studio.imaging.tilesets.layout import TileSet
from studio.ui.document import Document
from studio.ui.image_convert import qimage_from_png
from studio.ui.job_records import EditOwner, JobRecord
from studio.ui.tileset_form import TilesetExportForm
from studio.ui.tileset_preview import render_map, render_tileset, sample_map

TILESET_STATE_KEY = "tileset_export"
EMPTY_HISTORY = (
    "No images in the history yet. Generate a few tiles first: for ground that repeats "
    "without seams, turn on Tile X and Tile Y (Ctrl+Alt+X, Ctrl+Alt+Y) and try a prompt like "
    '"grass ground texture". Then check them here.'
)
NOTHING_CHECKED = "Check the history images that become tiles (all of one size)."


class TilesetJobs(Protocol):
    """Where the export runs: :class:`studio.ui.job_controller.JobController`."""

    def submit_export(self, request: ExportRequest, owner: EditOwner) -> int: ...

    def cancel_job(self, job_id: int) -> None: ...


class TilesetExportDialog(TilesetExportForm):
    """Choose tiles, see the tile set and a sample map, write it for Tiled and Godot 4.

    Signals
    -------
    export_ended(str, str)
        The export job ended: ``"finished"`` (the dialog then closes), ``"failed"`` with its
        one-line message, or ``"cancelled"``.
    """

    export_ended = Signal(str, str)

    def __init__(
        self,
        document: Document,
        selected_ids: list[int],
        jobs: TilesetJobs,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("tilesetExportDialog")
        self.setWindowTitle("Export Tile Set")
        self._document = document
        self._jobs = jobs
        self._pixels: dict[int, np.ndarray] = {}
        self._export: tuple[int, Path] | None = None  # the running export: job id, folder
        self.tileset: TileSet | None = None
        self.error: str | None = None
        self.written: list[Path] = []
        self._rebuild_timer = QTimer(self, singleShot=True, interval=120)
        self._rebuild_timer.timeout.connect(self.rebuild)
        self.export_requested.connect(self._on_export)
        for entry in reversed(document.entries()):  # oldest first: the order they were made
            text = f"#{entry.id} {entry.prompt[:32]}"
            item = self.add_tile_item(text, entry.id, entry.id in selected_ids)
            thumbnail = qimage_from_png(document.thumbnail_png(entry.image_id))
            item.setIcon(QIcon(QPixmap.fromImage(thumbnail)))
            item.setToolTip(f"{entry.width}×{entry.height}: {entry.prompt}")
        self.view_model.restore(document.export_settings(TILESET_STATE_KEY))
        vm = self.view_model
        for name in ("columns", "spacing", "margin", "map_size", "name"):
            getattr(vm, f"{name}_changed").connect(self._schedule_rebuild)
        self.tiles.itemChanged.connect(self._schedule_rebuild)
        self.rebuild()

    # -- the preview ------------------------------------------------------------------------

    def _schedule_rebuild(self, *_args: object) -> None:
        self._rebuild_timer.start()

    def _tiles(self) -> list[ExportImage]:
        tiles = []
        for entry_id in self.checked_ids():
            entry = self._document.entry(entry_id)
            if entry is None:  # deleted from the history since the dialog opened
                raise StudioError(f"Tile #{entry_id} is no longer in the project: uncheck it.")
            if entry_id not in self._pixels:
                self._pixels[entry_id] = load_pixels(self._document.image_png(entry.image_id))
            source = {"entry_id": entry.id, "prompt": entry.prompt, "recipe": entry.recipe}
            tiles.append(ExportImage(f"tile {entry.id}", self._pixels[entry_id], source))
        return tiles

    def rebuild(self) -> None:
        """Lay the checked tiles out now and show the set and the map (or why there are none)."""
        self._rebuild_timer.stop()  # this build covers any change still waiting for one
        self.tileset, self.error = None, None
        vm = self.view_model
        try:
            if not self.tiles.count():
                raise StudioError(EMPTY_HISTORY)
            tiles = self._tiles()
            if not tiles:
                raise StudioError(NOTHING_CHECKED)
            self.tileset = build_tileset(
                vm.file_name(),
                [tile.pixels for tile in tiles],
                columns=vm.columns or None,
                spacing=vm.spacing,
                margin=vm.margin,
            )
        except StudioError as exc:
            self.error = str(exc)
            self.tileset_view.show_message(self.error)
            self.map_view.show_message("")
            self.summary.setText("")
        else:
            tileset = self.tileset
            self.tileset_view.show_image(render_tileset(tileset, self.tileset_view.side()))
            pixels = sample_map(tileset, vm.map_size)
            self.map_view.show_image(render_map(pixels, self.map_view.side()))
            self.summary.setText(
                f"{tileset.count} tile(s) of {tileset.tile_width}×{tileset.tile_height}, "
                f"{tileset.columns} column(s). Writes "
                + ", ".join(tileset_file_names(vm.file_name()))
                + " (Tiled tile set and sample map, Godot 4 TileSet)."
            )
        self._enable_buttons()

    # -- the export job ---------------------------------------------------------------------

    @property
    def exporting(self) -> bool:
        """True from the moment an export is submitted until it ends."""
        return self._export is not None

    def files_to_replace(self, folder: Path) -> list[str]:
        """The names an export into ``folder`` would replace (the user is asked first)."""
        names = tileset_file_names(self.view_model.file_name())
        return [name for name in names if (Path(folder) / name).exists()]

    def export_to(self, folder: Path) -> int:
        """Start writing the checked tiles as a tile set into ``folder``; the job id.

        Files of an earlier export are replaced (:meth:`_on_export` asks first). The end
        comes to :meth:`job_ended` (and :attr:`export_ended`).

        Raises
        ------
        StudioError
            Nothing to export (the reason the preview shows).
        """
        if self.tileset is None:
            raise StudioError(self.error or "Nothing to export.")
        request = self.view_model.build_request(Path(folder), self._tiles())
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
            self._document.save_export_settings(TILESET_STATE_KEY, self.view_model.settings())
        elif outcome == "failed":
            self.summary.setText(f"Could not export: {message}")
        else:
            self.summary.setText("Not exported: the export was cancelled.")
        self.export_ended.emit(outcome, message)
        if outcome == "finished":
            self.accept()

    def _enable_buttons(self) -> None:
        self.busy_bar.setVisible(self.exporting)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(not self.exporting and self.tileset is not None)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setToolTip("Cancel the export" if self.exporting else "Close without exporting")

    def reject(self) -> None:
        """Cancel, Esc or the close button: while exporting, cancel the export (the dialog
        stays until the job says how it ended); otherwise close."""
        if self._export is not None:
            self._jobs.cancel_job(self._export[0])
            self.summary.setText("Cancelling the export…")
            return
        super().reject()

    def done(self, result: int) -> None:
        """Close the dialog; a rebuild still waiting for its moment is dropped."""
        self._rebuild_timer.stop()
        super().done(result)

    def confirm_replace(self, folder: Path, names: list[str]) -> bool:
        """Ask before the export replaces files of an earlier one; tests replace this."""
        answer = QMessageBox.question(
            self,
            "Replace the earlier tile set?",
            f"{folder} already holds {', '.join(names)}.\n\nReplace them with this tile set?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _on_export(self) -> None:
        if self.exporting:
            return
        chosen = QFileDialog.getExistingDirectory(
            self, "Export Tile Set To", self.view_model.folder
        )
        if not chosen:
            return
        folder = Path(chosen)
        replaced = self.files_to_replace(folder)
        if replaced and not self.confirm_replace(folder, replaced):
            self.summary.setText("Not exported: choose another folder, or agree to replace.")
            return
        try:
            self.export_to(folder)
        except StudioError as exc:
            self.summary.setText(f"Could not export: {exc}")


class StatusLine(Protocol):
    """Where the window says one line: :class:`studio.ui.status_bar.JobStatusBar`."""

    def say(self, text: str) -> None: ...


def open_tileset_export(
    document: Document,
    jobs: TilesetJobs,
    selected_ids: list[int],
    parent: QWidget | None,
    status: StatusLine,
) -> TilesetExportDialog:
    """Image › Export Tile Set…: the dialog with ``selected_ids`` checked, shown (not modal
    to the application: the window keeps working while the artist picks tiles)."""
    dialog = TilesetExportDialog(document, selected_ids, jobs, parent)
    dialog.accepted.connect(
        lambda: status.say(f"Exported the tile set: {len(dialog.written)} files")
    )
    dialog.open()
    return dialog
