"""Canvas edit options under the Generate tab: tiling axes and the inpaint mask brush."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QWidget,
)

from studio.domain.editing import MAX_CROP_PADDING, MAX_MASK_BLUR
from studio.ui.properties import bind
from studio.ui.viewmodels.generate import GenerateViewModel


class EditPanel(QGroupBox):
    """Tile X / Tile Y, the mask brush (paint, eraser, size, feather, invert, clear) and
    "only masked".

    The panel holds no state: tiling, feather and the crop are bound to the Generate
    view-model, which builds the request; its buttons are the menu actions (same shortcuts).
    """

    brush_size_changed = Signal(int)

    def __init__(self, view_model: GenerateViewModel, parent: QWidget | None = None) -> None:
        super().__init__("Canvas edits", parent)
        self.setObjectName("editPanel")
        self.tile_x = _check("Tile X", "tileX", "Make the image wrap left to right (seamless "
                             "horizontally)")  # fmt: skip
        self.tile_y = _check("Tile Y", "tileY", "Make the image wrap top to bottom (seamless "
                             "vertically)")  # fmt: skip
        tiles = _row(self.tile_x, self.tile_y)

        self.paint_button = QToolButton()
        self.paint_button.setObjectName("inpaintMaskButton")
        self.eraser_button = QToolButton()
        self.invert_button = QToolButton()
        self.clear_button = QToolButton()
        self.brush_spin = _pixels_spin(1, 512, "Brush size")
        self.brush_spin.setValue(32)
        self.brush_spin.valueChanged.connect(self.brush_size_changed)
        brush = _row(self.paint_button, self.eraser_button, self.brush_spin)
        mask_tools = _row(self.invert_button, self.clear_button)

        self.feather_spin = _pixels_spin(
            0, MAX_MASK_BLUR, "Soft edge of the mask: the repaint fades out over this"
        )
        self.feather_spin.setObjectName("maskFeather")
        self.only_masked = _check(
            "Only masked",
            "onlyMasked",
            "Generate a crop around the mask at the chosen size and paste it back: "
            "more detail for a small area of a large image",
        )
        self.padding_spin = _pixels_spin(
            0, MAX_CROP_PADDING, "Context around the mask the crop includes"
        )
        crop = _row(self.only_masked, self.padding_spin)

        self.hint = QLabel(
            "Paint a mask on the canvas: Generate then repaints only the painted area."
        )
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(mid);")
        form = QFormLayout(self)
        form.addRow("Tiling", tiles)
        form.addRow("Mask", brush)
        form.addRow("", mask_tools)
        form.addRow("Feather", self.feather_spin)
        form.addRow("Area", crop)
        form.addRow(self.hint)
        for name in ("tile_x", "tile_y", "only_masked"):
            bind(view_model, name, getattr(self, name))
        bind(view_model, "mask_blur", self.feather_spin)
        bind(view_model, "only_masked_padding", self.padding_spin)

    def bind_buttons(
        self, paint: QAction, eraser: QAction, invert: QAction, clear: QAction
    ) -> None:
        """Show the menu actions as the panel's buttons (one action, two places)."""
        for button, action in (
            (self.paint_button, paint),
            (self.eraser_button, eraser),
            (self.invert_button, invert),
            (self.clear_button, clear),
        ):
            button.setDefaultAction(action)


def _check(text: str, name: str, tip: str) -> QCheckBox:
    box = QCheckBox(text)
    box.setObjectName(name)
    box.setToolTip(tip)
    return box


def _pixels_spin(low: int, high: int, tip: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setSuffix(" px")
    spin.setToolTip(tip)
    return spin


def _row(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row
