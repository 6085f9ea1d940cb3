"""The Export Tile Set workspace as a view-model: grid, file name, folder, sample map size.

The dialog's option widgets are bound to a :class:`TilesetExportViewModel`; it says what the
project remembers for the next tile-set export (its persisted properties, see
:mod:`~studio.ui.viewmodels.export_settings`) and builds
the :class:`~studio.domain.export_requests.TilesetRequest` that ``studio tileset`` builds too.
The tiles are the dialog's list of checked history entries.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal

from studio.domain.export_requests import ExportImage, TilesetRequest
from studio.ui.properties import Property
from studio.ui.viewmodels.export_settings import ExportSettingsViewModel


class TilesetExportViewModel(ExportSettingsViewModel):
    """What the next tile-set export will lay out and write (see the module docstring)."""

    columns = Property(0, persist=True)  # 0: a near-square grid, as the CLI's default
    spacing = Property(0, persist=True)
    margin = Property(0, persist=True)
    name = Property("tiles", persist=True)
    # Only the preview uses it: a map this many tiles wide and high shows how tiles meet.
    map_size = Property(6, persist=True)

    columns_changed = Signal(object)
    spacing_changed = Signal(object)
    margin_changed = Signal(object)
    name_changed = Signal(object)
    map_size_changed = Signal(object)

    def file_name(self) -> str:
        """The base name of every file the export writes."""
        return self.name.strip() or "tiles"

    def build_request(self, folder: Path, tiles: list[ExportImage]) -> TilesetRequest:
        """The export of ``tiles`` into ``folder``, as ``studio tileset`` would ask it.

        ``overwrite`` is set: the dialog asked before replacing an earlier export.
        """
        return TilesetRequest(
            folder=Path(folder),
            tiles=tuple(tiles),
            name=self.file_name(),
            columns=self.columns or None,
            spacing=self.spacing,
            margin=self.margin,
            overwrite=True,
        )
