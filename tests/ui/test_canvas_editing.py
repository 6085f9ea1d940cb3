"""Canvas editing tools: mask brush (paint, erase, invert, stroke undo) and the 3x3 view."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from studio.imaging.decode import load_pixels
from studio.ui.canvas import CanvasView
from studio.ui.image_convert import array_from_qimage, qimage_from_array


@pytest.fixture
def canvas(qtbot) -> CanvasView:
    view = CanvasView()
    view.resize(400, 400)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return view


def _image(size: int = 32) -> np.ndarray:
    pixels = np.zeros((size, size, 4), dtype=np.uint8)
    pixels[..., 0] = np.arange(size, dtype=np.uint8)[None, :] * 8
    pixels[..., 3] = 255
    return pixels


def _mask(canvas: CanvasView) -> np.ndarray:
    data = canvas.mask_layer.png()
    return np.zeros((32, 32), np.uint8) if data is None else load_pixels(data, mode="RGB")[..., 0]


def test_erase_and_invert_change_the_mask(canvas) -> None:
    canvas.set_image(qimage_from_array(_image()))
    canvas.mask_layer.brush_size = 8
    canvas.mask_layer.paint(QPointF(8, 8), QPointF(24, 8))
    assert _mask(canvas)[8, 16] == 255
    canvas.mask_layer.eraser = True
    canvas.mask_layer.paint(QPointF(16, 8), QPointF(16, 8))
    assert _mask(canvas)[8, 16] == 0 and _mask(canvas)[8, 9] == 255
    canvas.mask_layer.brush_size = 14  # wider than the stroke: its soft edge goes too
    canvas.mask_layer.paint(QPointF(8, 8), QPointF(24, 8))
    assert canvas.mask_layer.is_empty()  # erasing every stroke leaves nothing to inpaint
    canvas.mask_layer.invert()
    assert not canvas.mask_layer.is_empty() and _mask(canvas).min() == 255


def test_a_brush_stroke_reports_before_and_after_for_undo(canvas, qtbot) -> None:
    canvas.set_image(qimage_from_array(_image()))
    canvas.fit()
    canvas.set_mask_mode(True)
    canvas.mask_layer.brush_size = 6
    start = canvas.mapFromScene(QPointF(5, 16))
    end = canvas.mapFromScene(QPointF(27, 16))
    with qtbot.waitSignal(canvas.mask_stroke_finished) as stroke:
        qtbot.mousePress(canvas.viewport(), Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(canvas.viewport(), pos=end)
        qtbot.mouseRelease(canvas.viewport(), Qt.MouseButton.LeftButton, pos=end)
    before, after = stroke.args
    painted = _mask(canvas)
    assert painted[16, 16] == 255
    canvas.mask_layer.restore(before)
    assert canvas.mask_layer.is_empty()
    canvas.mask_layer.restore(after)
    assert np.array_equal(_mask(canvas), painted)


def test_tiled_view_shows_the_image_around_itself(canvas) -> None:
    pixels = _image()
    canvas.set_image(qimage_from_array(pixels))
    canvas.set_tiled_view(True)
    canvas.fit()
    screen = array_from_qimage(canvas.viewport().grab().toImage())
    # The tile left of the image repeats its right edge: sample just left of column 0.
    left = canvas.mapFromScene(QPointF(-0.5, 16))
    right = canvas.mapFromScene(QPointF(31.5, 16))
    assert tuple(screen[left.y(), left.x(), :3]) == tuple(screen[right.y(), right.x(), :3])
    assert canvas.sceneRect().width() == 96
    canvas.set_tiled_view(False)
    assert canvas.sceneRect().width() == 32
    assert isinstance(left, QPoint)
