"""What the Export Tile Set dialog shows: the tile set with its grid, and a sample map.

The sample map lays the tiles out on a small map, each tile beside others and beside itself,
so the artist sees at a glance whether the edges meet without a seam before exporting.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from studio.imaging.tilesets.layout import TileSet
from studio.ui.image_convert import qimage_from_array

GRID_COLOUR = QColor(255, 64, 160)
_CHECK = 8
_LIGHT, _DARK = QColor(200, 200, 200), QColor(150, 150, 150)


def sample_map(tileset: TileSet, size: int, seed: int = 0) -> np.ndarray:
    """A ``size`` x ``size`` map of the tile set's tiles as one RGBA image.

    Every tile is used at least once when the map has room (then as evenly as the cells
    allow), in a fixed shuffled order, so tiles meet each other and themselves.
    """
    cells = size * size
    order = np.resize(np.arange(tileset.count), cells)
    np.random.default_rng(seed).shuffle(order)
    width, height = tileset.tile_width, tileset.tile_height
    picture = np.zeros((size * height, size * width, 4), dtype=np.uint8)
    for cell, index in enumerate(order.tolist()):
        x, y = tileset.tile_origin(index)
        row, column = divmod(cell, size)
        picture[row * height : (row + 1) * height, column * width : (column + 1) * width] = (
            tileset.image[y : y + height, x : x + width]
        )
    return picture


def render_tileset(tileset: TileSet, max_side: int = 480) -> QImage:
    """The tile set enlarged by a whole factor (nearest) on a checkerboard, each tile outlined."""
    image, factor = _enlarged(tileset.image, max_side)
    painter = QPainter(image)
    painter.setPen(QPen(GRID_COLOUR, 1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    width, height = tileset.tile_width * factor, tileset.tile_height * factor
    for index in range(tileset.count):
        x, y = tileset.tile_origin(index)
        painter.drawRect(QRectF(x * factor, y * factor, width, height))
    painter.end()
    return image


def render_map(pixels: np.ndarray, max_side: int = 480) -> QImage:
    """A sample map enlarged by a whole factor on a checkerboard, with no lines: seams show."""
    return _enlarged(pixels, max_side)[0]


def _enlarged(pixels: np.ndarray, max_side: int) -> tuple[QImage, float]:
    height, width = pixels.shape[:2]
    # A whole factor keeps art pixels square; a set larger than the preview is shown smaller.
    factor: float = max(1, min(8, max_side // max(width, height)))
    if max(width, height) > max_side:
        factor = max_side / max(width, height)
    image = QImage(round(width * factor), round(height * factor), QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    painter.fillRect(image.rect(), QBrush(_checker()))
    # Without SmoothPixmapTransform Qt scales by nearest neighbour: crisp pixels.
    painter.drawImage(image.rect(), qimage_from_array(np.ascontiguousarray(pixels)))
    painter.end()
    return image, factor


def _checker() -> QPixmap:
    tile = QPixmap(2 * _CHECK, 2 * _CHECK)
    tile.fill(_LIGHT)
    painter = QPainter(tile)
    painter.fillRect(_CHECK, 0, _CHECK, _CHECK, _DARK)
    painter.fillRect(0, _CHECK, _CHECK, _CHECK, _DARK)
    painter.end()
    return tile


class TilesetPreview(QLabel):
    """One picture of the preview (the tile set or the map), or the reason there is none."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(280, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setWordWrap(True)

    def side(self) -> int:
        """The largest square picture that fits the label now."""
        return max(160, min(self.width(), self.height()) - 8)

    def show_image(self, image: QImage) -> None:
        self.setPixmap(QPixmap.fromImage(image))

    def show_message(self, text: str) -> None:
        self.clear()
        self.setText(text)
