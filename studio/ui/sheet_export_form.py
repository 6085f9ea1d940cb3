"""The Export Sprite Sheet dialog's form: its widgets and what the user chose in them.

Frames (checked history entries, renamed in place), animations over frame names, the layout
options, the engines and the file name; :meth:`SheetExportForm.settings` is what the project
remembers for the next export. Packing, the preview and the export job live in
:mod:`studio.ui.sheet_export_dialog`, which builds on this form.
"""

from __future__ import annotations

from typing import Any, TypeVar

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.domain.errors import StudioError
from studio.domain.sheet_options import SheetOptions
from studio.imaging.sheets import SHEET_FORMATS, Animation, frame_name
from studio.ui.sheet_preview import SheetPreview

DEFAULT_ENGINES = ("texturepacker", "godot4", "unity")
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1


_W = TypeVar("_W", bound=QWidget)


def _named(widget: _W, name: str) -> _W:
    """``widget`` with its object name set (what tests and style sheets find it by)."""
    widget.setObjectName(name)
    return widget


class SheetExportForm(QDialog):
    """The widgets of the export dialog and the choices read from them.

    Signals
    -------
    export_requested()
        The user pressed Export…; the dialog asks for a folder and starts the job.
    """

    export_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._folder = ""
        self._build()

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.entries = _named(QListWidget(), "sheetEntries")
        self.entries.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.entries.setIconSize(QSize(48, 48))
        self.entries.setToolTip("Ctrl/Shift-click picks frames; double-click renames one")
        self.entries.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked)
        self.name_pattern = _named(QLineEdit("frame_{n}"), "framePattern")
        self.name_pattern.setToolTip("Frame names for the picked entries; {n} counts from 0")
        rename = QPushButton("Name Picked Frames")
        rename.clicked.connect(self._rename_selected)
        naming = QHBoxLayout()
        naming.addWidget(self.name_pattern, 1)
        naming.addWidget(rename)

        self.animations = _named(QTableWidget(0, 3), "sheetAnimations")
        self.animations.setHorizontalHeaderLabels(["Animation", "FPS", "Frames"])
        self.animations.horizontalHeader().setStretchLastSection(True)
        self.anim_name = _named(QLineEdit("walk"), "animationName")
        self.anim_fps = _named(QDoubleSpinBox(minimum=0.5, maximum=60, value=8), "animationFps")
        add_anim = _named(QPushButton("Add Animation from Picked"), "addAnimation")
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

        self.layout_combo = _named(QComboBox(), "sheetLayout")
        self.layout_combo.addItem("Packed (MaxRects)", "maxrects")
        self.layout_combo.addItem("Grid", "grid")
        self.columns = _named(QSpinBox(minimum=0, maximum=256), "gridColumns")
        self.columns.setSpecialValueText("auto")
        self.padding = _named(QSpinBox(minimum=0, maximum=64, value=1), "sheetPadding")
        self.extrude = _named(QSpinBox(minimum=0, maximum=16), "sheetExtrude")
        self.trim = _named(QCheckBox("Trim transparent borders"), "sheetTrim")
        self.pot = _named(QCheckBox("Power-of-two pages"), "sheetPot")
        self.scale = _named(QComboBox(), "sheetScale")
        for factor in (1, 2, 4, 8):
            self.scale.addItem(f"{factor}×", factor)
        self.max_size = _named(QSpinBox(minimum=16, maximum=16384, value=4096), "sheetMaxSize")
        self.pixel_art = _named(QCheckBox("Pixel art (nearest filtering)"), "sheetPixelArt")
        self.pixel_art.setChecked(True)
        self.snap = _named(QCheckBox(), "sheetSnapPalette")
        options = QFormLayout()
        options.addRow("Layout", self.layout_combo)
        options.addRow("Grid columns", self.columns)
        options.addRow("Padding", self.padding)
        options.addRow("Extrude", self.extrude)
        options.addRow("Scale", self.scale)
        options.addRow("Max page size", self.max_size)
        for box in (self.trim, self.pot, self.pixel_art, self.snap):
            options.addRow(box)
        self.name_edit = _named(QLineEdit("sheet"), "sheetName")
        options.addRow("File name", self.name_edit)

        engines = QGroupBox("Engines")
        grid = QGridLayout(engines)
        self.engine_boxes: dict[str, QCheckBox] = {}
        for number, (key, (label, _writer)) in enumerate(SHEET_FORMATS.items()):
            box = _named(QCheckBox(label), f"engine_{key}")
            self.engine_boxes[key] = box
            grid.addWidget(box, number, 0)

        self.preview = SheetPreview()
        self.summary = _named(QLabel(), "sheetSummary")
        self.summary.setWordWrap(True)
        right = QVBoxLayout()
        right.addWidget(self.preview, 1)
        right.addWidget(self.summary)
        settings_row = QHBoxLayout()
        settings_row.addLayout(options, 1)
        settings_row.addWidget(engines, 1)
        right.addLayout(settings_row)

        self.busy_bar = _named(QProgressBar(minimum=0, maximum=0), "sheetExportBusy")
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setVisible(False)  # shown while the export job runs
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Export…")
        self.buttons.accepted.connect(self.export_requested)
        self.buttons.rejected.connect(self.reject)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 2)
        outer = QVBoxLayout(self)
        outer.addLayout(columns, 1)
        outer.addWidget(self.busy_bar)
        outer.addWidget(self.buttons)
        self.resize(1300, 860)

    # -- state ------------------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        """What the project remembers for the next export."""
        return {
            "engines": list(self.formats()),
            "layout": self.layout_combo.currentData(),
            "columns": self.columns.value(),
            "padding": self.padding.value(),
            "extrude": self.extrude.value(),
            "trim": self.trim.isChecked(),
            "pot": self.pot.isChecked(),
            "scale": self.scale.currentData(),
            "max_size": self.max_size.value(),
            "pixel_art": self.pixel_art.isChecked(),
            "name": self.name_edit.text(),
            "folder": self._folder,
        }

    def restore(self, state: dict[str, Any]) -> None:
        """Show the choices of the last export (``state`` as :meth:`settings` made it)."""
        engines = state.get("engines", DEFAULT_ENGINES)
        for key, box in self.engine_boxes.items():
            box.setChecked(key in engines)
        index = self.layout_combo.findData(state.get("layout", "maxrects"))
        self.layout_combo.setCurrentIndex(max(0, index))
        self.columns.setValue(int(state.get("columns", 0)))
        self.padding.setValue(int(state.get("padding", 1)))
        self.extrude.setValue(int(state.get("extrude", 0)))
        self.trim.setChecked(bool(state.get("trim", False)))
        self.pot.setChecked(bool(state.get("pot", False)))
        self.scale.setCurrentIndex(max(0, self.scale.findData(int(state.get("scale", 1)))))
        self.max_size.setValue(int(state.get("max_size", 4096)))
        self.pixel_art.setChecked(bool(state.get("pixel_art", True)))
        self.name_edit.setText(str(state.get("name", "sheet")))
        self._folder = str(state.get("folder", ""))

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

    # -- options ---------------------------------------------------------------------------

    def formats(self) -> tuple[str, ...]:
        """The engines checked, in the order the dialog lists them."""
        return tuple(key for key, box in self.engine_boxes.items() if box.isChecked())

    def file_name(self) -> str:
        """The base name of every file the export writes."""
        return self.name_edit.text() or "sheet"

    def options(self) -> SheetOptions:
        columns = self.columns.value()
        layout = self.layout_combo.currentData()
        grid = None
        if layout == "grid" and columns:
            rows = -(-max(1, len(self.checked_items())) // columns)
            grid = (columns, rows)
        return SheetOptions(
            layout=layout,
            grid=grid,
            padding=self.padding.value(),
            extrude=self.extrude.value(),
            trim=self.trim.isChecked(),
            pot=self.pot.isChecked(),
            max_size=self.max_size.value(),
            scale=self.scale.currentData(),
            pixel_art=self.pixel_art.isChecked(),
        )
