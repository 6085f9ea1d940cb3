"""numpy <-> QImage conversions (the worker hands over numpy; widgets need QImage)."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage


def qimage_from_array(pixels: np.ndarray) -> QImage:
    """Copy an ``(H, W, 3)`` RGB or ``(H, W, 4)`` straight-alpha RGBA uint8 array into a QImage."""
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] not in (3, 4):
        raise ValueError(f"expected (H, W, 3|4) uint8 pixels, got {pixels.shape} {pixels.dtype}")
    data = np.ascontiguousarray(pixels)
    height, width, channels = data.shape
    fmt = QImage.Format.Format_RGBA8888 if channels == 4 else QImage.Format.Format_RGB888
    # QImage does not own numpy's buffer: copy() detaches it before the array can go away.
    return QImage(data.data, width, height, width * channels, fmt).copy()


def array_from_qimage(image: QImage) -> np.ndarray:
    """Copy a QImage into an ``(H, W, 4)`` straight-alpha RGBA uint8 array."""
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    width, height = rgba.width(), rgba.height()
    buffer = np.frombuffer(rgba.constBits(), dtype=np.uint8, count=rgba.sizeInBytes())
    rows = buffer.reshape(height, rgba.bytesPerLine())[:, : width * 4]
    return rows.reshape(height, width, 4).copy()


def qimage_from_png(data: bytes) -> QImage:
    """Decode PNG bytes that Studio itself wrote (history images); null image on failure."""
    image = QImage()
    image.loadFromData(data, "PNG")
    return image


def mask_qimage(mask: np.ndarray) -> QImage:
    """Copy an ``(H, W)`` float mask in [0, 1] into a greyscale QImage (white: masked)."""
    grey = np.ascontiguousarray((np.clip(mask, 0, 1) * 255).round().astype(np.uint8))
    height, width = grey.shape
    return QImage(grey.data, width, height, width, QImage.Format.Format_Grayscale8).copy()
