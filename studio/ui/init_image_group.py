"""The prompt panel's image-to-image group: the source thumbnail, strength and Clear."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

THUMB_SIDE = 64


class InitImageGroup(QGroupBox):
    """Shown only while an init image is set; the panel binds ``strength_spin`` to its settings."""

    def __init__(self, strength: float, parent: QWidget | None = None) -> None:
        super().__init__("Init image (image to image)", parent)
        self.setObjectName("initImageGroup")
        self.thumb = QLabel()
        self.thumb.setFixedSize(THUMB_SIDE, THUMB_SIDE)
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.strength_spin = QDoubleSpinBox()
        self.strength_spin.setRange(0.0, 1.0)
        self.strength_spin.setSingleStep(0.05)
        self.strength_spin.setValue(strength)
        self.strength_spin.setToolTip("How much is repainted: 0 keeps the image, 1 ignores it.")
        self.clear_button = QPushButton("Clear")
        row = QHBoxLayout(self)
        row.addWidget(self.thumb)
        form = QFormLayout()
        form.addRow("Strength", self.strength_spin)
        form.addRow(self.clear_button)
        row.addLayout(form, 1)
        self.setVisible(False)

    def show_image(self, present: bool, preview: QImage | None = None) -> None:
        """Show the group with ``preview`` as its thumbnail; hide it when ``present`` is false."""
        self.setVisible(present)
        if present and preview is not None and not preview.isNull():
            thumb = preview.scaled(
                THUMB_SIDE,
                THUMB_SIDE,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.FastTransformation,
            )
            self.thumb.setPixmap(QPixmap.fromImage(thumb))
        else:
            self.thumb.clear()
