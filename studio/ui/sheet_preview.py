"""A live picture of a packed sheet: the page on a checkerboard with every frame outlined."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from studio.imaging.sheets import PackedSheet
from studio.ui.image_convert import qimage_from_array

_CHECK = 8
FRAME_COLOUR = QColor(255, 64, 160)
ANIMATION_COLOUR = QColor(40, 200, 255)


def render_sheet_preview(sheet: PackedSheet, page: int, max_side: int = 640) -> QImage:
    """The page enlarged by a whole factor (nearest), frames outlined, animation frames in blue.

    Frame names sit in their rectangles when there is room. Used by the dialog and by the
    README picture, so what the user sees is what the picture shows.
    """
    pixels = sheet.pages[page]
    height, width = pixels.shape[:2]
    factor = max(1, min(8, max_side // max(width, height)))
    image = QImage(width * factor, height * factor, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    _checkerboard(painter, image.width(), image.height())
    painter.drawImage(
        QRect(0, 0, image.width(), image.height()), qimage_from_array(np.ascontiguousarray(pixels))
    )
    animated = {name for animation in sheet.animations for name in animation.frames}
    for frame in sheet.frames:
        if frame.page != page:
            continue
        colour = ANIMATION_COLOUR if frame.name in animated else FRAME_COLOUR
        pen = 2 if factor >= 2 else 1
        painter.setPen(QPen(colour, pen))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(
            frame.x * factor + pen // 2,
            frame.y * factor + pen // 2,
            frame.w * factor - pen,
            frame.h * factor - pen,
        )
        label = painter.fontMetrics().boundingRect(frame.name).adjusted(-3, -1, 3, 1)
        if label.width() <= frame.w * factor:
            label.moveTopLeft(QPoint(frame.x * factor + pen, frame.y * factor + pen))
            painter.fillRect(label, QColor(0, 0, 0, 170))
            painter.setPen(QColor(255, 255, 255))
            painter.drawText(label, Qt.AlignmentFlag.AlignCenter, frame.name)
    painter.end()
    return image


def _checkerboard(painter: QPainter, width: int, height: int) -> None:
    painter.fillRect(0, 0, width, height, QColor(200, 200, 200))
    for y in range(0, height, _CHECK):
        for x in range((y // _CHECK) % 2 * _CHECK, width, 2 * _CHECK):
            painter.fillRect(x, y, _CHECK, _CHECK, QColor(150, 150, 150))


class SheetPreview(QLabel):
    """Shows :func:`render_sheet_preview` of the current sheet, or why there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sheetPreview")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(360, 300)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setWordWrap(True)

    def show_sheet(self, sheet: PackedSheet, page: int = 0) -> None:
        side = max(200, min(self.width(), self.height()) - 8)
        self.setPixmap(QPixmap.fromImage(render_sheet_preview(sheet, page, side)))

    def show_message(self, text: str) -> None:
        self.clear()
        self.setText(text)
