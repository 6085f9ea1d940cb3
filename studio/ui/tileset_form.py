"""The Export Tile Set dialog's form: its widgets and what the user chose in them.

Tiles are checked history entries (one size); the grid, file name and sample-map size are
bound to the form's :class:`~studio.ui.viewmodels.tileset.TilesetExportViewModel`. Building
the preview and the export job live in :mod:`studio.ui.tileset_dialog`, built on this form.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
)

from studio.ui.export_job_dialog import ExportJobDialog, named
from studio.ui.properties import bind
from studio.ui.tileset_preview import TilesetPreview
from studio.ui.viewmodels.tileset import TilesetExportViewModel

TILE_ROLE = Qt.ItemDataRole.UserRole + 1


class TilesetExportForm(ExportJobDialog):
    """The widgets of the tile-set dialog, bound to ``view_model``."""

    view_model_class = TilesetExportViewModel
    view_model: TilesetExportViewModel

    def _build(self) -> None:
        self.tiles = named(QListWidget(), "tilesetEntries")
        self.tiles.setIconSize(QSize(48, 48))
        self.tiles.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.tiles.setToolTip("Check the history images that become tiles, all of one size")
        self.columns_input = named(QSpinBox(minimum=0, maximum=4096), "tilesetColumns")
        self.columns_input.setSpecialValueText("auto")
        self.spacing_input = named(QSpinBox(minimum=0, maximum=64), "tilesetSpacing")
        self.margin_input = named(QSpinBox(minimum=0, maximum=64), "tilesetMargin")
        self.map_size_input = named(QSpinBox(minimum=2, maximum=16), "tilesetMapSize")
        self.map_size_input.setSuffix(" tiles square")
        self.name_input = named(QLineEdit(), "tilesetName")
        options = QFormLayout()
        options.addRow("Columns", self.columns_input)
        options.addRow("Spacing (px)", self.spacing_input)
        options.addRow("Margin (px)", self.margin_input)
        options.addRow("Sample map", self.map_size_input)
        options.addRow("File name", self.name_input)
        left = QVBoxLayout()
        left.addWidget(QLabel("Tiles (in tile-set order):"))
        left.addWidget(self.tiles, 1)
        left.addLayout(options)

        self.tileset_view = TilesetPreview("tilesetPreview")
        self.map_view = TilesetPreview("tilesetMapPreview")
        self.summary = named(QLabel(wordWrap=True), "tilesetSummary")
        pictures = QGridLayout()
        pictures.addWidget(QLabel("Tile set"), 0, 0)
        pictures.addWidget(QLabel("Sample map (how the tiles meet)"), 0, 1)
        pictures.addWidget(self.tileset_view, 1, 0)
        pictures.addWidget(self.map_view, 1, 1)

        busy_bar, buttons = self._job_controls("tilesetExportBusy")

        grid = QGridLayout(self)
        grid.addLayout(left, 0, 0, 3, 1)
        grid.addLayout(pictures, 0, 1)
        grid.addWidget(self.summary, 1, 1)
        grid.addWidget(busy_bar, 2, 1)
        grid.addWidget(buttons, 3, 0, 1, 2)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(0, 1)
        self.resize(1200, 720)

    def _bind(self) -> None:
        for name in ("columns", "spacing", "margin", "map_size", "name"):
            bind(self.view_model, name, getattr(self, f"{name}_input"))

    def add_tile_item(self, text: str, entry_id: int, checked: bool) -> QListWidgetItem:
        """One history entry in the tile list, checked when it starts as a tile."""
        item = QListWidgetItem(text)
        item.setData(TILE_ROLE, entry_id)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.tiles.addItem(item)
        return item

    def checked_ids(self) -> list[int]:
        """The entry ids of the checked tiles, in list order."""
        items = (self.tiles.item(row) for row in range(self.tiles.count()))
        return [i.data(TILE_ROLE) for i in items if i.checkState() == Qt.CheckState.Checked]
