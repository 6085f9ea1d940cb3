"""The Export Tile Set workspace as a view-model: grid, file name, folder, sample map size.

The dialog's option widgets are bound to a :class:`TilesetExportViewModel`; it says what the
project remembers for the next tile-set export (:meth:`settings`, :meth:`restore`) and builds
the :class:`~studio.domain.export_requests.TilesetRequest` that ``studio tileset`` builds too.
The tiles are the dialog's list of checked history entries.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal

from studio.domain.export_requests import ExportImage, TilesetRequest
from studio.ui.properties import Property, ViewModel


class TilesetExportViewModel(ViewModel):
    """What the next tile-set export will lay out and write (see the module docstring)."""

    columns = Property(0, persist=True)  # 0: a near-square grid, as the CLI's default
    spacing = Property(0, persist=True)
    margin = Property(0, persist=True)
    name = Property("tiles", persist=True)
    folder = Property("", persist=True)
    # Only the preview uses it: a map this many tiles wide and high shows how tiles meet.
    map_size = Property(6, persist=True)

    columns_changed = Signal(object)
    spacing_changed = Signal(object)
    margin_changed = Signal(object)
    name_changed = Signal(object)
    folder_changed = Signal(object)
    map_size_changed = Signal(object)

    def settings(self) -> dict[str, Any]:
        """What the project remembers for the next export (plain JSON values)."""
        return self.persisted()

    def restore(self, state: dict[str, Any]) -> None:
        """Take the choices of the last export; a value of the wrong type keeps its default
        (the project file may hold anything a hand edit or an older Studio left)."""
        for name, prop in self.properties().items():
            value = state.get(name)
            if prop.persist and type(value) is type(prop.default):
                setattr(self, name, value)

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
