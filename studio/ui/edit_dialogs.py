"""Dialogs of the canvas edits: Outpaint (grow the canvas) and Vary This Image."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QSpinBox,
    QWidget,
)

from studio.domain.editing import MAX_OUTPAINT, OUTPAINT_FILLS
from studio.domain.request_limits import MAX_BATCH
from studio.imaging.outpaint import ASPECT_PRESETS, margins_for_aspect
from studio.ui.dialog_buttons import ok_cancel_buttons

CUSTOM = "Custom"


@dataclass(frozen=True)
class OutpaintChoice:
    """What the outpaint dialog asked for."""

    margins: tuple[int, int, int, int]
    fill: str
    generate_now: bool


class OutpaintDialog(QDialog):
    """Pixels to add on each side (or a target aspect), the fill, and whether to generate."""

    def __init__(self, width: int, height: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Outpaint")
        self._size = (width, height)
        self.spins = []
        sides = QHBoxLayout()
        for name in ("Left", "Top", "Right", "Bottom"):
            spin = QSpinBox()
            spin.setRange(0, MAX_OUTPAINT)
            spin.setSingleStep(8)
            spin.setPrefix(f"{name} ")
            spin.setSuffix(" px")
            sides.addWidget(spin)
            self.spins.append(spin)
        self.spins[2].setValue(min(width // 2 - width // 2 % 8, MAX_OUTPAINT) or 8)
        self.aspect = QComboBox()
        self.aspect.addItems([CUSTOM, *ASPECT_PRESETS])
        self.aspect.currentTextChanged.connect(self._apply_aspect)
        self.fill = QComboBox()
        self.fill.addItems(OUTPAINT_FILLS)
        self.fill.setToolTip("First content of the new area: stretched edges, a blur or noise")
        self.generate_now = QCheckBox("Generate into the new area now")
        self.generate_now.setChecked(True)
        buttons = ok_cancel_buttons(self)
        form = QFormLayout(self)
        form.addRow("Grow by", sides)
        form.addRow("Or to aspect", self.aspect)
        form.addRow("Fill", self.fill)
        form.addRow(self.generate_now)
        form.addRow(buttons)

    def _apply_aspect(self, name: str) -> None:
        if name not in ASPECT_PRESETS:
            return
        for spin, value in zip(self.spins, margins_for_aspect(*self._size, ASPECT_PRESETS[name]),
                               strict=True):  # fmt: skip
            spin.setValue(value)

    def choice(self) -> OutpaintChoice:
        margins = tuple(spin.value() for spin in self.spins)
        return OutpaintChoice(margins, self.fill.currentText(), self.generate_now.isChecked())  # type: ignore[arg-type]


@dataclass(frozen=True)
class VaryChoice:
    """How many variations, and how far from the parent."""

    count: int
    strength: float


class VaryDialog(QDialog):
    """N variations of a history image at a chosen variation strength."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Vary This Image")
        self.count = QSpinBox()
        self.count.setRange(1, MAX_BATCH)
        self.count.setValue(4)
        self.strength = QDoubleSpinBox()
        self.strength.setRange(0.01, 1.0)
        self.strength.setSingleStep(0.05)
        self.strength.setValue(0.3)
        self.strength.setToolTip("0 keeps the image, 1 is a new image from another seed")
        buttons = ok_cancel_buttons(self)
        form = QFormLayout(self)
        form.addRow("Variations", self.count)
        form.addRow("Strength", self.strength)
        form.addRow(buttons)

    def choice(self) -> VaryChoice:
        return VaryChoice(self.count.value(), self.strength.value())


def ask_outpaint(parent: QWidget, width: int, height: int) -> OutpaintChoice | None:
    """Ask how to outpaint a ``width`` x ``height`` canvas; ``None`` if the user cancels."""
    dialog = OutpaintDialog(width, height, parent)
    return dialog.choice() if dialog.exec() else None


def ask_vary(parent: QWidget) -> VaryChoice | None:
    """Ask how many variations, how strong; ``None`` if the user cancels."""
    dialog = VaryDialog(parent)
    return dialog.choice() if dialog.exec() else None
