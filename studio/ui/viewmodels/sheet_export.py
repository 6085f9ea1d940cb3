"""The Export Sprite Sheet workspace as a view-model: the layout, engines and file name.

The dialog's option widgets are bound to a :class:`SheetExportViewModel`; it says what the
project remembers for the next export (its persisted properties, see
:mod:`~studio.ui.viewmodels.export_settings`) and turns the
choices into :class:`~studio.domain.sheet_options.SheetOptions` for a given number of frames.
Frames and animations are the dialog's lists, picked and renamed in place.
"""

from __future__ import annotations

from dataclasses import fields

from PySide6.QtCore import Signal

from studio.domain.sheet_options import SheetOptions
from studio.ui.properties import Property
from studio.ui.viewmodels.export_settings import ExportSettingsViewModel

DEFAULT_ENGINES = ("texturepacker", "godot4", "unity")


class SheetExportViewModel(ExportSettingsViewModel):
    """What the next sprite-sheet export will pack and write (see the module docstring)."""

    engines: Property[tuple[str, ...]] = Property(DEFAULT_ENGINES, persist=True)
    layout = Property("maxrects", persist=True)
    columns = Property(0, persist=True)  # 0: a near-square grid
    padding = Property(1, persist=True)
    extrude = Property(0, persist=True)
    trim = Property(False, persist=True)
    pot = Property(False, persist=True)
    scale = Property(1, persist=True)
    max_size = Property(4096, persist=True)
    pixel_art = Property(True, persist=True)
    name = Property("sheet", persist=True)
    # Snapping follows the project's palette lock each time the dialog opens: not remembered.
    snap = Property(False)

    engines_changed = Signal(object)
    layout_changed = Signal(object)
    columns_changed = Signal(object)
    padding_changed = Signal(object)
    extrude_changed = Signal(object)
    trim_changed = Signal(object)
    pot_changed = Signal(object)
    scale_changed = Signal(object)
    max_size_changed = Signal(object)
    pixel_art_changed = Signal(object)
    name_changed = Signal(object)
    snap_changed = Signal(object)

    def file_name(self) -> str:
        """The base name of every file the export writes."""
        return self.name or "sheet"

    def options(self, frame_count: int) -> SheetOptions:
        """The packing options for ``frame_count`` frames (a grid's rows follow its columns)."""
        grid = None
        if self.layout == "grid" and self.columns:
            grid = (self.columns, -(-max(1, frame_count) // self.columns))
        # Every other option is a property of the same name, so a new one is one line here.
        same = {f.name: getattr(self, f.name) for f in fields(SheetOptions) if f.name != "grid"}
        return SheetOptions(grid=grid, **same)
