"""The Export Tile Set dialog: pick tiles from the history, see the set and a sample map,
export for Tiled and Godot 4 as a job on the CPU lane.

The preview is built on the GUI thread (throttled; tiles are small) with the same
:func:`~studio.imaging.tilesets.build_tileset` the export uses, so what the dialog shows is
what will be written. Writing is a :class:`~studio.domain.export_requests.TilesetRequest`, the
request ``studio tileset`` makes, run by the worker's CPU lane through
:func:`studio.ops.export.export_tileset`: a busy bar meanwhile, the dialog closes when every
file is written and shows the one-line reason when none is. Cancel (or Esc) cancels the job,
queued or started: it stops at its next checkpoint with nothing written (once writing began, it
ends with every file written).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QWidget

from studio.domain.errors import StudioError
from studio.domain.export_requests import ExportImage, TilesetRequest
from studio.imaging.decode import load_pixels
from studio.imaging.tilesets import build_tileset, tileset_file_names
from studio.imaging.tilesets.layout import TileSet
from studio.ui.document import Document
from studio.ui.export_job_dialog import ExportJobs
from studio.ui.image_convert import qimage_from_png
from studio.ui.tileset_form import TilesetExportForm
from studio.ui.tileset_preview import render_map, render_tileset, sample_map

TILESET_STATE_KEY = "tileset_export"
EMPTY_HISTORY = (
    "No images in the history yet. Generate a few tiles first: for ground that repeats "
    "without seams, turn on Tile X and Tile Y (Ctrl+Alt+X, Ctrl+Alt+Y) and try a prompt like "
    '"grass ground texture". Then check them here.'
)
NOTHING_CHECKED = "Check the history images that become tiles (all of one size)."


class TilesetExportDialog(TilesetExportForm):
    """Choose tiles, see the tile set and a sample map, write it for Tiled and Godot 4.

    The export job and its signals: :class:`~studio.ui.export_job_dialog.ExportJobDialog`.
    """

    what = "tile set"
    state_key = TILESET_STATE_KEY

    def __init__(
        self,
        document: Document,
        selected_ids: list[int],
        jobs: ExportJobs,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("tilesetExportDialog")
        self.setWindowTitle("Export Tile Set")
        self._document = document
        self._jobs = jobs
        self._pixels: dict[int, np.ndarray] = {}
        self.tileset: TileSet | None = None
        for entry in reversed(document.entries()):  # oldest first: the order they were made
            text = f"#{entry.id} {entry.prompt[:32]}"
            item = self.add_tile_item(text, entry.id, entry.id in selected_ids)
            thumbnail = qimage_from_png(document.thumbnail_png(entry.image_id))
            item.setIcon(QIcon(QPixmap.fromImage(thumbnail)))
            item.setToolTip(f"{entry.width}×{entry.height}: {entry.prompt}")
        self.view_model.restore(document.export_settings(TILESET_STATE_KEY))
        vm = self.view_model
        for name in ("columns", "spacing", "margin", "map_size", "name"):
            getattr(vm, f"{name}_changed").connect(self._schedule_refresh)
        self.tiles.itemChanged.connect(self._schedule_refresh)
        self.rebuild()

    # -- the preview ------------------------------------------------------------------------

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
        self.preview_timer.stop()  # this build covers any change still waiting for one
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

    refresh = rebuild

    # -- what the export job needs (the job itself: ExportJobDialog) ----------------------

    def ready(self) -> bool:
        """Whether a tile set is laid out (the preview shows it): Export… is enabled."""
        return self.tileset is not None

    def files_to_replace(self, folder: Path) -> list[str]:
        """The names an export into ``folder`` would replace (the user is asked first)."""
        names = tileset_file_names(self.view_model.file_name())
        return [name for name in names if (Path(folder) / name).exists()]

    def _build_request(self, folder: Path) -> TilesetRequest:
        return self.view_model.build_request(folder, self._tiles())


class StatusLine(Protocol):
    """Where the window says one line: :class:`studio.ui.status_bar.JobStatusBar`."""

    def say(self, text: str) -> None: ...


def open_tileset_export(
    document: Document,
    jobs: ExportJobs,
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
