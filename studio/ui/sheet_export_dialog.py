"""The Export Sprite Sheet dialog: pick history entries, name frames, animate, choose engines.

Everything the export does is computed by studio.imaging.sheets; the dialog only collects the
choices and repacks on every change so the preview is always the sheet that will be written.
The engines and layout chosen are remembered in the project (``sheet_export`` state).
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.domain.errors import StudioError
from studio.domain.export_requests import AnimationSpec, ExportImage, SheetExportRequest
from studio.imaging.decode import load_pixels
from studio.imaging.palettes import off_palette_mask
from studio.imaging.palettes.lock import snap_to_palette
from studio.imaging.sheets import (
    SHEET_FORMATS,
    Animation,
    PackedSheet,
    SheetFrame,
    SheetOptions,
    frame_name,
    pack_sheet,
    sheet_files,
)
from studio.ops.export import export_sheet
from studio.ui.document import Document
from studio.ui.image_convert import qimage_from_png
from studio.ui.sheet_preview import SheetPreview

EXPORT_STATE_KEY = "sheet_export"
DEFAULT_ENGINES = ("texturepacker", "godot4", "unity")
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1


class SheetExportDialog(QDialog):
    """Choose frames and animations, see the sheet, write it for the chosen engines."""

    def __init__(
        self, document: Document, selected_ids: list[int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sheetExportDialog")
        self.setWindowTitle("Export Sprite Sheet")
        self._document = document
        self._pixels: dict[int, Any] = {}
        self.sheet: PackedSheet | None = None
        self.error: str | None = None
        self.written: list[Path] = []
        self._repack_timer = QTimer(self, singleShot=True, interval=120)
        self._repack_timer.timeout.connect(self.repack)
        self._build()
        self._fill_entries(selected_ids)
        self._restore(document.export_settings(EXPORT_STATE_KEY))
        self._connect()
        self.repack()

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.entries = QListWidget(objectName="sheetEntries")
        self.entries.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.entries.setIconSize(QSize(48, 48))
        self.entries.setToolTip("Ctrl/Shift-click picks frames; double-click renames one")
        self.entries.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked)
        self.name_pattern = QLineEdit("frame_{n}", objectName="framePattern")
        self.name_pattern.setToolTip("Frame names for the picked entries; {n} counts from 0")
        rename = QPushButton("Name Picked Frames")
        rename.clicked.connect(self._rename_selected)
        naming = QHBoxLayout()
        naming.addWidget(self.name_pattern, 1)
        naming.addWidget(rename)

        self.animations = QTableWidget(0, 3, objectName="sheetAnimations")
        self.animations.setHorizontalHeaderLabels(["Animation", "FPS", "Frames"])
        self.animations.horizontalHeader().setStretchLastSection(True)
        self.anim_name = QLineEdit("walk", objectName="animationName")
        self.anim_fps = QDoubleSpinBox(objectName="animationFps", minimum=0.5, maximum=60, value=8)
        add_anim = QPushButton("Add Animation from Picked", objectName="addAnimation")
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

        self.layout_combo = QComboBox(objectName="sheetLayout")
        self.layout_combo.addItem("Packed (MaxRects)", "maxrects")
        self.layout_combo.addItem("Grid", "grid")
        self.columns = QSpinBox(objectName="gridColumns", minimum=0, maximum=256)
        self.columns.setSpecialValueText("auto")
        self.padding = QSpinBox(objectName="sheetPadding", minimum=0, maximum=64, value=1)
        self.extrude = QSpinBox(objectName="sheetExtrude", minimum=0, maximum=16)
        self.trim = QCheckBox("Trim transparent borders", objectName="sheetTrim")
        self.pot = QCheckBox("Power-of-two pages", objectName="sheetPot")
        self.scale = QComboBox(objectName="sheetScale")
        for factor in (1, 2, 4, 8):
            self.scale.addItem(f"{factor}×", factor)
        self.max_size = QSpinBox(objectName="sheetMaxSize", minimum=16, maximum=16384, value=4096)
        self.pixel_art = QCheckBox("Pixel art (nearest filtering)", objectName="sheetPixelArt")
        self.pixel_art.setChecked(True)
        self.snap = QCheckBox(objectName="sheetSnapPalette")
        options = QFormLayout()
        options.addRow("Layout", self.layout_combo)
        options.addRow("Grid columns", self.columns)
        options.addRow("Padding", self.padding)
        options.addRow("Extrude", self.extrude)
        options.addRow("Scale", self.scale)
        options.addRow("Max page size", self.max_size)
        for box in (self.trim, self.pot, self.pixel_art, self.snap):
            options.addRow(box)
        self.name_edit = QLineEdit("sheet", objectName="sheetName")
        options.addRow("File name", self.name_edit)

        engines = QGroupBox("Engines")
        grid = QGridLayout(engines)
        self.engine_boxes: dict[str, QCheckBox] = {}
        for number, (key, (label, _writer)) in enumerate(SHEET_FORMATS.items()):
            box = QCheckBox(label, objectName=f"engine_{key}")
            self.engine_boxes[key] = box
            grid.addWidget(box, number, 0)

        self.preview = SheetPreview()
        self.summary = QLabel(objectName="sheetSummary")
        self.summary.setWordWrap(True)
        right = QVBoxLayout()
        right.addWidget(self.preview, 1)
        right.addWidget(self.summary)
        settings_row = QHBoxLayout()
        settings_row.addLayout(options, 1)
        settings_row.addWidget(engines, 1)
        right.addLayout(settings_row)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Export…")
        self.buttons.accepted.connect(self._on_export)
        self.buttons.rejected.connect(self.reject)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 2)
        outer = QVBoxLayout(self)
        outer.addLayout(columns, 1)
        outer.addWidget(self.buttons)
        self.resize(1300, 860)

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
        self.snap.setChecked(palette is not None)
        if palette is not None:
            self.snap.setText(f"Snap to the project palette ({palette.name})")

    def _connect(self) -> None:
        for signal in (
            self.entries.itemChanged,
            self.layout_combo.currentIndexChanged,
            self.columns.valueChanged,
            self.padding.valueChanged,
            self.extrude.valueChanged,
            self.trim.toggled,
            self.pot.toggled,
            self.scale.currentIndexChanged,
            self.max_size.valueChanged,
            self.pixel_art.toggled,
            self.snap.toggled,
            self.animations.itemChanged,
        ):
            signal.connect(self._schedule_repack)

    # -- state ------------------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        """What the project remembers for the next export."""
        return {
            "engines": [key for key, box in self.engine_boxes.items() if box.isChecked()],
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
            "folder": getattr(self, "_folder", ""),
        }

    def _restore(self, state: dict[str, Any]) -> None:
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

    # -- packing and export -----------------------------------------------------------------

    def _schedule_repack(self, *_args: object) -> None:
        self._repack_timer.start()

    def done(self, result: int) -> None:
        """Close the dialog; a repack still waiting for its moment is dropped."""
        self._repack_timer.stop()
        super().done(result)

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

    def _frames(self) -> list[SheetFrame]:
        palette = self._document.palette_lock() if self.snap.isChecked() else None
        frames = []
        for item in self.checked_items():
            entry = self._document.entry(item.data(ENTRY_ROLE))
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

    def repack(self) -> None:
        """Pack the checked frames now and show the result (or the reason there is none)."""
        self._repack_timer.stop()  # this pack covers any change still waiting for one
        self.sheet, self.error = None, None
        try:
            frames = self._frames()
            if not frames:
                raise StudioError("Check the entries that become frames.")
            self.sheet = pack_sheet(frames, self.animation_list(), self.options())
        except StudioError as exc:
            self.error = str(exc)
            self.preview.show_message(self.error)
            self.summary.setText("")
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
            return
        self.preview.show_sheet(self.sheet)
        self.summary.setText(self._describe(self.sheet))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(True)

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
        return sorted(name for name in self._files() if (Path(folder) / name).exists())

    def _files(self) -> dict[str, bytes]:
        formats = [key for key, box in self.engine_boxes.items() if box.isChecked()]
        return sheet_files(self.sheet, self.name_edit.text() or "sheet", formats)

    def export_to(self, folder: Path) -> list[Path]:
        """Write the current sheet in the checked formats into ``folder``; remember the choice.

        The one export path of the CLI too (:func:`studio.ops.export.export_sheet`): every
        file or none. Files of an earlier export are replaced (:meth:`_on_export` asks first).
        """
        if self.sheet is None:
            raise StudioError(self.error or "Nothing to export.")
        formats = tuple(key for key, box in self.engine_boxes.items() if box.isChecked())
        request = SheetExportRequest(
            folder=Path(folder),
            # Frames come already snapped when the user keeps the palette check on.
            frames=tuple(ExportImage(f.name, f.pixels, f.source) for f in self._frames()),
            formats=formats,
            name=self.name_edit.text() or "sheet",
            animations=tuple(AnimationSpec(a.name, a.frames, a.fps) for a in self.animation_list()),
            overwrite=True,
            **asdict(self.options()),
        )
        self.written = export_sheet(request).written
        self._folder = str(folder)
        self._document.save_export_settings(EXPORT_STATE_KEY, self.settings())
        return self.written

    def confirm_replace(self, folder: Path, names: list[str]) -> bool:
        """Ask before an export replaces files already in ``folder`` (as ``-o`` never does
        without ``--overwrite``); tests replace this method."""
        shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        answer = QMessageBox.question(
            self,
            "Replace the earlier export?",
            f"{folder} already holds {shown}.\n\nReplace them with this export?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _on_export(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export Sprite Sheet To", self._folder)
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
            return
        self.accept()
