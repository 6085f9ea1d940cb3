"""Lock Palette: choose the project's palette (a built-in, a file, or none) and see the check."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from studio.domain.errors import StudioError
from studio.imaging.palettes import BUILTIN_PALETTES, Palette, off_palette_mask, read_palette
from studio.ui.dialog_buttons import ok_cancel_buttons

NO_PALETTE = "No palette lock"
FROM_FILE = "From file (.gpl, .pal, .hex, .txt)…"


def swatch_pixmap(palette: Palette, cell: int = 18, columns: int = 16) -> QPixmap:
    rows = -(-len(palette.colours) // columns)
    image = QImage(columns * cell, rows * cell, QImage.Format.Format_RGB32)
    image.fill(QColor(60, 60, 60))
    for index, (r, g, b) in enumerate(palette.colours):
        x, y = index % columns * cell, index // columns * cell
        for dy in range(cell - 2):
            for dx in range(cell - 2):
                image.setPixelColor(x + dx, y + dy, QColor(r, g, b))
    return QPixmap.fromImage(image)


def off_palette_text(pixels: np.ndarray | None, palette: Palette | None) -> str:
    """One line for the off-palette pixel check of the canvas image."""
    if palette is None or pixels is None:
        return ""
    off = int(off_palette_mask(pixels, palette).sum())
    if off == 0:
        return f"The canvas image uses only {palette.name} colours."
    return (
        f"The canvas image has {off} off-palette pixels; new results are snapped to {palette.name}."
    )


class PaletteLockDialog(QDialog):
    """Pick the palette every new result and export of this project is snapped to."""

    def __init__(
        self,
        current: Palette | None,
        canvas_pixels: np.ndarray | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("paletteLockDialog")
        self.setWindowTitle("Lock Palette")
        self.palette: Palette | None = current
        self._pixels = canvas_pixels
        self.choice = QComboBox(objectName="paletteChoice")
        self.choice.addItem(NO_PALETTE)
        self.choice.addItems(list(BUILTIN_PALETTES))
        if current is not None and current.name not in BUILTIN_PALETTES:
            self.choice.addItem(current.name)
        self.choice.addItem(FROM_FILE)
        self.swatches = QLabel(objectName="paletteSwatches")
        self.check = QLabel(objectName="paletteCheck")
        self.check.setWordWrap(True)
        buttons = ok_cancel_buttons(self)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Every new result and sprite-sheet export uses this palette:"))
        layout.addWidget(self.choice)
        layout.addWidget(self.swatches)
        layout.addWidget(self.check)
        layout.addWidget(buttons)
        self.choice.setCurrentText(current.name if current else NO_PALETTE)
        self.choice.currentTextChanged.connect(self._on_choice)
        self._show()

    def choose(self, name: str, path: Path | None = None) -> None:
        """Select a built-in by name, a palette file, or ``NO_PALETTE``."""
        if path is not None:
            try:
                self.palette = read_palette(path)
            except StudioError as exc:
                self.check.setText(str(exc))
                return
        elif name == NO_PALETTE:
            self.palette = None
        elif name in BUILTIN_PALETTES:
            self.palette = BUILTIN_PALETTES[name]
        self._show()

    def _on_choice(self, name: str) -> None:
        if name == FROM_FILE:
            path, _ = QFileDialog.getOpenFileName(
                self, "Palette File", "", "Palettes (*.gpl *.pal *.hex *.txt)"
            )
            self.choose(name, Path(path) if path else None)
            return
        self.choose(name)

    def _show(self) -> None:
        if self.palette is None:
            self.swatches.clear()
            self.check.setText("Results keep their own colours.")
            return
        self.swatches.setPixmap(swatch_pixmap(self.palette))
        self.check.setText(off_palette_text(self._pixels, self.palette))
