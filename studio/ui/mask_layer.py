"""A paintable selection mask over the canvas image (where style transfer applies)."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QLineF, QPointF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsPixmapItem

OVERLAY_COLOR = QColor(255, 40, 80, 110)


class MaskLayer:
    """Keeps the mask (8-bit, white = selected) and a tinted overlay in step.

    Both images are painted with the same strokes, so showing the mask never needs a
    per-pixel conversion of a large image.
    """

    def __init__(self, item: QGraphicsPixmapItem) -> None:
        self._item = item
        self._item.setZValue(1)
        self._mask: QImage | None = None
        self._overlay: QImage | None = None
        self._dirty = False
        self.brush_size = 32

    def resize(self, size: QSize) -> None:
        """Match a new image size; a mask of another size no longer means anything."""
        if self._mask is not None and self._mask.size() == size:
            return
        self._mask = QImage(size, QImage.Format.Format_Grayscale8)
        self._mask.fill(0)
        self._overlay = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        self._overlay.fill(Qt.GlobalColor.transparent)
        self._dirty = False
        self._refresh()

    def clear(self) -> None:
        if self._mask is None or self._overlay is None:
            return
        self._mask.fill(0)
        self._overlay.fill(Qt.GlobalColor.transparent)
        self._dirty = False
        self._refresh()

    def is_empty(self) -> bool:
        return not self._dirty

    def paint(self, start: QPointF, end: QPointF) -> None:
        """Paint a round stroke from ``start`` to ``end`` (image coordinates)."""
        if self._mask is None or self._overlay is None:
            return
        for image, color in ((self._mask, QColor(255, 255, 255)), (self._overlay, OVERLAY_COLOR)):
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            pen = QPen(color, self.brush_size, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            if start == end:
                painter.drawPoint(start)
            else:
                painter.drawLine(QLineF(start, end))
            painter.end()
        self._dirty = True
        self._refresh()

    def png(self) -> bytes | None:
        """The mask as an 8-bit PNG the size of the image, or None when nothing is painted."""
        if self._mask is None or not self._dirty:
            return None
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self._mask.save(buffer, "PNG")
        buffer.close()
        return bytes(data.data())

    def _refresh(self) -> None:
        self._item.setPixmap(
            QPixmap.fromImage(self._overlay) if self._overlay is not None else QPixmap()
        )
