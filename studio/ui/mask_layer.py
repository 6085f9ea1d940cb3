"""A paintable selection mask over the canvas image (where style transfer or inpainting applies).

The same mask serves the Style tab (restyle only the painted area) and Generate (repaint only
the painted area). Strokes can erase, the mask can be inverted, and every change can be
undone: :meth:`MaskLayer.snapshot` / :meth:`MaskLayer.restore` give the undo commands an
immutable copy of the mask before and after.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QLineF, QPointF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsPixmapItem

OVERLAY_COLOR = QColor(255, 40, 80, 110)


class MaskLayer:
    """Keeps the mask (8-bit, white = selected) and a tinted overlay in step.

    Strokes paint both images, so showing the mask never needs a per-pixel conversion of a
    large image; only invert and restore rebuild the overlay from the mask.
    """

    def __init__(self, item: QGraphicsPixmapItem) -> None:
        self._item = item
        self._item.setZValue(1)
        self._mask: QImage | None = None
        self._overlay: QImage | None = None
        self._dirty = False
        self.brush_size = 32
        self.eraser = False

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

    def size(self) -> QSize | None:
        return None if self._mask is None else self._mask.size()

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
        """Paint (or, with :attr:`eraser`, erase) a round stroke from ``start`` to ``end``."""
        if self._mask is None or self._overlay is None:
            return
        mask_color = QColor(0, 0, 0) if self.eraser else QColor(255, 255, 255)
        overlay_color = QColor(0, 0, 0, 0) if self.eraser else OVERLAY_COLOR
        for image, color in ((self._mask, mask_color), (self._overlay, overlay_color)):
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
        self._dirty = True if not self.eraser else self._has_paint()
        self._refresh()

    def invert(self) -> None:
        """Select what was not selected (paint the background, keep the subject)."""
        if self._mask is None:
            return
        self._mask.invertPixels()
        self._rebuild_overlay()

    def snapshot(self) -> QImage | None:
        """An independent copy of the mask (for undo)."""
        return None if self._mask is None else self._mask.copy()

    def restore(self, mask: QImage | None) -> None:
        """Put back a :meth:`snapshot` (ignored if the image size changed since)."""
        if mask is None or self._mask is None or mask.size() != self._mask.size():
            return
        self._mask = mask.copy()
        self._rebuild_overlay()

    def set_visible(self, visible: bool) -> None:
        self._item.setVisible(visible)

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

    def _values(self) -> np.ndarray:
        assert self._mask is not None
        mask = self._mask
        buffer = np.frombuffer(mask.constBits(), dtype=np.uint8, count=mask.sizeInBytes())
        return buffer.reshape(mask.height(), mask.bytesPerLine())[:, : mask.width()]

    def _has_paint(self) -> bool:
        return bool(self._mask is not None and self._values().any())

    def _rebuild_overlay(self) -> None:
        assert self._mask is not None
        values = self._values().astype(np.uint16)
        alpha = (values * OVERLAY_COLOR.alpha() // 255).astype(np.uint8)
        # Premultiplied BGRA (ARGB32 in memory order on little-endian machines).
        pixels = np.zeros((*alpha.shape, 4), dtype=np.uint8)
        for channel, value in ((2, OVERLAY_COLOR.red()), (1, OVERLAY_COLOR.green()),
                               (0, OVERLAY_COLOR.blue())):  # fmt: skip
            pixels[..., channel] = (alpha.astype(np.uint16) * value // 255).astype(np.uint8)
        pixels[..., 3] = alpha
        height, width = alpha.shape
        self._overlay = QImage(
            pixels.data, width, height, width * 4, QImage.Format.Format_ARGB32_Premultiplied
        ).copy()
        self._dirty = bool(values.any())
        self._refresh()

    def _refresh(self) -> None:
        self._item.setPixmap(
            QPixmap.fromImage(self._overlay) if self._overlay is not None else QPixmap()
        )
