"""Pixelate: palette, dither, grid, outline for one history image (the result is a new entry)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from studio.domain.pixelate_options import DITHER_METHODS, PixelateOptions
from studio.imaging.palettes import BUILTIN_PALETTES, Palette
from studio.ui.dialog_buttons import ok_cancel_buttons
from studio.ui.palette_lock_dialog import swatch_pixmap

DITHER_LABELS = {
    "none": "None",
    "floyd-steinberg": "Floyd-Steinberg",
    "bayer2": "Bayer 2×2",
    "bayer4": "Bayer 4×4",
    "bayer8": "Bayer 8×8",
    "atkinson": "Atkinson",
}


class PixelateDialog(QDialog):
    """Collects :class:`~studio.domain.pixelate_options.PixelateOptions`; project palette first."""

    def __init__(self, locked: Palette | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pixelateDialog")
        self.setWindowTitle("Pixelate")
        self._palettes = dict(BUILTIN_PALETTES)
        self.palette_combo = QComboBox(objectName="pixelatePalette")
        if locked is not None:
            self._palettes = {f"{locked.name} (project)": locked, **self._palettes}
        self.palette_combo.addItems(list(self._palettes))
        self.swatches = QLabel(objectName="pixelateSwatches")
        self.dither = QComboBox(objectName="pixelateDither")
        for key in DITHER_METHODS:
            self.dither.addItem(DITHER_LABELS[key], key)
        self.cell = QSpinBox(objectName="pixelateGrid", minimum=0, maximum=256)
        self.cell.setSpecialValueText("detect")
        self.method = QComboBox(objectName="pixelateMethod")
        self.method.addItem("k-centroid (keeps outlines)", "kcentroid")
        self.method.addItem("Nearest", "nearest")
        self.alpha = QSpinBox(objectName="pixelateAlpha", minimum=1, maximum=255, value=128)
        self.outline = QCheckBox("1-px outline in the darkest colour", objectName="pixelateOutline")
        buttons = ok_cancel_buttons(self)
        form = QFormLayout(self)
        form.addRow("Palette", self.palette_combo)
        form.addRow(self.swatches)
        form.addRow("Dither", self.dither)
        form.addRow("Pixel grid", self.cell)
        form.addRow("Downscale", self.method)
        form.addRow("Alpha threshold", self.alpha)
        form.addRow(self.outline)
        form.addRow(buttons)
        self.palette_combo.currentTextChanged.connect(self._show_swatches)
        self._show_swatches(self.palette_combo.currentText())

    def _show_swatches(self, name: str) -> None:
        self.swatches.setPixmap(swatch_pixmap(self._palettes[name]))

    def options(self) -> PixelateOptions:
        return PixelateOptions(
            palette=self._palettes[self.palette_combo.currentText()],
            cell=self.cell.value() or None,
            method=self.method.currentData(),
            dither=self.dither.currentData(),
            alpha_threshold=self.alpha.value(),
            outline=self.outline.isChecked(),
        )
