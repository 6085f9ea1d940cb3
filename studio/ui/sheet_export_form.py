"""The Export Sprite Sheet dialog's form: its widgets and what the user chose in them.

Frames (checked history entries, renamed in place), animations over frame names, and the
layout options, engines and file name, which are bound to the form's
:class:`~studio.ui.viewmodels.sheet_export.SheetExportViewModel` (what the project remembers
for the next export). Packing, the preview and the export job live in
:mod:`studio.ui.sheet_export_dialog`, which builds on this form.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from studio.domain.errors import StudioError
from studio.imaging.sheets import SHEET_FORMATS, Animation, frame_name
from studio.ui.export_job_dialog import ExportJobDialog, named
from studio.ui.properties import bind
from studio.ui.sheet_preview import SheetPreview
from studio.ui.viewmodels.sheet_export import SheetExportViewModel

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
# Option widgets named as the view-model's property they show.
_SAME_NAMED = [
    "columns",
    "padding",
    "extrude",
    "trim",
    "pot",
    "scale",
    "max_size",
    "pixel_art",
    "snap",
]


class SheetExportForm(ExportJobDialog):
    """The widgets of the export dialog, bound to ``view_model``."""

    view_model_class = SheetExportViewModel
    view_model: SheetExportViewModel

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.entries = named(QListWidget(), "sheetEntries")
        self.entries.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.entries.setIconSize(QSize(48, 48))
        self.entries.setToolTip("Ctrl/Shift-click picks frames; double-click renames one")
        self.entries.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked)
        self.name_pattern = named(QLineEdit("frame_{n}"), "framePattern")
        self.name_pattern.setToolTip("Frame names for the picked entries; {n} counts from 0")
        rename = QPushButton("Name Picked Frames")
        rename.clicked.connect(self._rename_selected)
        naming = QHBoxLayout()
        naming.addWidget(self.name_pattern, 1)
        naming.addWidget(rename)

        self.animations = named(QTableWidget(0, 3), "sheetAnimations")
        self.animations.setHorizontalHeaderLabels(["Animation", "FPS", "Frames"])
        self.animations.horizontalHeader().setStretchLastSection(True)
        self.anim_name = named(QLineEdit("walk"), "animationName")
        self.anim_fps = named(QDoubleSpinBox(minimum=0.5, maximum=60, value=8), "animationFps")
        add_anim = named(QPushButton("Add Animation from Picked"), "addAnimation")
        add_anim.clicked.connect(self._add_animation_from_selection)
        remove_anim = QPushButton("Remove")
        remove_anim.clicked.connect(self._remove_animation)
        anim_row = QHBoxLayout()
        for widget in (self.anim_name, self.anim_fps, add_anim, remove_anim):
            anim_row.addWidget(widget)

        left = QVBoxLayout()
        left.addWidget(QLabel("Frames (in sheet order):"))
        left.addWidget(self.entries, 1)
        left.addLayout(naming)
        left.addWidget(QLabel("Animations:"))
        left.addWidget(self.animations)
        left.addLayout(anim_row)

        self.layout_combo = named(QComboBox(), "sheetLayout")
        self.layout_combo.addItem("Packed (MaxRects)", "maxrects")
        self.layout_combo.addItem("Grid", "grid")
        self.columns = named(QSpinBox(minimum=0, maximum=256), "gridColumns")
        self.columns.setSpecialValueText("auto")
        self.padding = named(QSpinBox(minimum=0, maximum=64), "sheetPadding")
        self.extrude = named(QSpinBox(minimum=0, maximum=16), "sheetExtrude")
        self.trim = named(QCheckBox("Trim transparent borders"), "sheetTrim")
        self.pot = named(QCheckBox("Power-of-two pages"), "sheetPot")
        self.scale = named(QComboBox(), "sheetScale")
        for factor in (1, 2, 4, 8):
            self.scale.addItem(f"{factor}×", factor)
        self.max_size = named(QSpinBox(minimum=16, maximum=16384), "sheetMaxSize")
        self.pixel_art = named(QCheckBox("Pixel art (nearest filtering)"), "sheetPixelArt")
        self.snap = named(QCheckBox(), "sheetSnapPalette")
        options = QFormLayout()
        options.addRow("Layout", self.layout_combo)
        options.addRow("Grid columns", self.columns)
        options.addRow("Padding", self.padding)
        options.addRow("Extrude", self.extrude)
        options.addRow("Scale", self.scale)
        options.addRow("Max page size", self.max_size)
        for box in (self.trim, self.pot, self.pixel_art, self.snap):
            options.addRow(box)
        self.name_edit = named(QLineEdit(), "sheetName")
        options.addRow("File name", self.name_edit)

        engines = QGroupBox("Engines")
        grid = QGridLayout(engines)
        self.engine_boxes: dict[str, QCheckBox] = {}
        for number, (key, (label, _writer)) in enumerate(SHEET_FORMATS.items()):
            box = named(QCheckBox(label), f"engine_{key}")
            self.engine_boxes[key] = box
            grid.addWidget(box, number, 0)

        self.preview = SheetPreview()
        self.summary = named(QLabel(), "sheetSummary")
        self.summary.setWordWrap(True)
        right = QVBoxLayout()
        right.addWidget(self.preview, 1)
        right.addWidget(self.summary)
        settings_row = QHBoxLayout()
        settings_row.addLayout(options, 1)
        settings_row.addWidget(engines, 1)
        right.addLayout(settings_row)

        busy_bar, buttons = self._job_controls("sheetExportBusy")
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 2)
        outer = QVBoxLayout(self)
        outer.addLayout(columns, 1)
        outer.addWidget(busy_bar)
        outer.addWidget(buttons)
        self.resize(1300, 860)

    def _bind(self) -> None:
        vm = self.view_model
        for name in _SAME_NAMED:
            bind(vm, name, getattr(self, name))
        bind(vm, "layout", self.layout_combo)
        bind(vm, "name", self.name_edit)
        # The engine boxes together are one setting: the checked keys, in the listed order.
        for box in self.engine_boxes.values():
            box.toggled.connect(self._engines_from_boxes)
        vm.engines_changed.connect(self._show_engines)
        self._show_engines(vm.engines)

    def _engines_from_boxes(self) -> None:
        boxes = self.engine_boxes.items()
        self.view_model.engines = tuple(key for key, box in boxes if box.isChecked())

    def _show_engines(self, engines: tuple[str, ...]) -> None:
        for key, box in self.engine_boxes.items():
            box.setChecked(key in engines)

    # -- frames and animations --------------------------------------------------------------

    def checked_items(self) -> list[QListWidgetItem]:
        items = [self.entries.item(row) for row in range(self.entries.count())]
        return [item for item in items if item.checkState() == Qt.CheckState.Checked]

    def _picked(self) -> list[QListWidgetItem]:
        """The highlighted entries; they become checked frames when an action uses them."""
        picked = sorted(self.entries.selectedItems(), key=self.entries.row)
        for item in picked:
            item.setCheckState(Qt.CheckState.Checked)
        return picked

    def _rename_selected(self) -> None:
        pattern = self.name_pattern.text() or "frame_{n}"
        for number, item in enumerate(self._picked()):
            item.setText(frame_name(pattern.replace("{n}", str(number))))

    def add_animation(self, name: str, fps: float, frames: list[str]) -> None:
        row = self.animations.rowCount()
        self.animations.insertRow(row)
        for column, text in enumerate((frame_name(name), f"{fps:g}", ",".join(frames))):
            self.animations.setItem(row, column, QTableWidgetItem(text))

    def _add_animation_from_selection(self) -> None:
        picked = self._picked() or self.checked_items()
        if picked:
            self.add_animation(
                self.anim_name.text() or "anim", self.anim_fps.value(), [i.text() for i in picked]
            )

    def _remove_animation(self) -> None:
        self.animations.removeRow(self.animations.currentRow())

    def animation_list(self) -> list[Animation]:
        animations = []
        for row in range(self.animations.rowCount()):
            cells = [self.animations.item(row, c) for c in range(3)]
            name, fps, frames = (cell.text() if cell else "" for cell in cells)
            names = tuple(frame_name(part) for part in frames.split(",") if part.strip())
            try:
                animations.append(Animation(frame_name(name), names, float(fps)))
            except ValueError as exc:
                raise StudioError(f"Animation row {row + 1}: {exc}") from None
        return animations
