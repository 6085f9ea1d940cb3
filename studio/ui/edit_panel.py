"""Canvas edit options under the Generate tab: tiling axes and the inpaint mask brush."""

from __future__ import annotations

from PySide6.QtCore import Signal
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
        self.tile_x = QCheckBox("Tile X")
        self.tile_x.setObjectName("tileX")
        self.tile_x.setToolTip("Make the image wrap left to right (seamless horizontally)")
        self.tile_y = QCheckBox("Tile Y")
        self.tile_y.setObjectName("tileY")
        self.tile_y.setToolTip("Make the image wrap top to bottom (seamless vertically)")
        tiles = QHBoxLayout()
        tiles.addWidget(self.tile_x)
        tiles.addWidget(self.tile_y)
        tiles.addStretch(1)

        self.paint_button = QToolButton()
        self.paint_button.setObjectName("inpaintMaskButton")
        self.eraser_button = QToolButton()
        self.invert_button = QToolButton()
        self.clear_button = QToolButton()
        self.brush_spin = QSpinBox()
        self.brush_spin.setRange(1, 512)
        self.brush_spin.setValue(32)
        self.brush_spin.setSuffix(" px")
        self.brush_spin.setToolTip("Brush size")
        self.brush_spin.valueChanged.connect(self.brush_size_changed)
        brush = QHBoxLayout()
        for widget in (self.paint_button, self.eraser_button, self.brush_spin):
            brush.addWidget(widget)
        brush.addStretch(1)
        mask_tools = QHBoxLayout()
        mask_tools.addWidget(self.invert_button)
        mask_tools.addWidget(self.clear_button)
        mask_tools.addStretch(1)

        self.feather_spin = QSpinBox()
        self.feather_spin.setObjectName("maskFeather")
        self.feather_spin.setRange(0, MAX_MASK_BLUR)
        self.feather_spin.setSuffix(" px")
        self.feather_spin.setToolTip("Soft edge of the mask: the repaint fades out over this")
        self.only_masked = QCheckBox("Only masked")
        self.only_masked.setObjectName("onlyMasked")
        self.only_masked.setToolTip(
            "Generate a crop around the mask at the chosen size and paste it back: "
            "more detail for a small area of a large image"
        )
        self.padding_spin = QSpinBox()
        self.padding_spin.setRange(0, MAX_CROP_PADDING)
        self.padding_spin.setSuffix(" px")
        self.padding_spin.setToolTip("Context around the mask the crop includes")
        crop = QHBoxLayout()
        crop.addWidget(self.only_masked)
        crop.addWidget(self.padding_spin)
        crop.addStretch(1)

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
        for name, widget in (
            ("tile_x", self.tile_x),
            ("tile_y", self.tile_y),
            ("mask_blur", self.feather_spin),
            ("only_masked", self.only_masked),
            ("only_masked_padding", self.padding_spin),
        ):
            bind(view_model, name, widget)

    def bind_buttons(self, paint, eraser, invert, clear) -> None:
        """Show the menu actions as the panel's buttons (one action, two places)."""
        for button, action in (
            (self.paint_button, paint),
            (self.eraser_button, eraser),
            (self.invert_button, invert),
            (self.clear_button, clear),
        ):
            button.setDefaultAction(action)
