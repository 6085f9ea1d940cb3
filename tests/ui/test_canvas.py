"""The canvas: checkerboard under transparency, crisp enlargement of small sprites, zoom."""

from __future__ import annotations

import numpy as np
import pytest

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


def _sprite() -> np.ndarray:
    """8x8: left half opaque red, right half fully transparent."""
    pixels = np.zeros((8, 8, 4), dtype=np.uint8)
    pixels[:, :4] = (255, 0, 0, 255)
    return pixels


def _screen(canvas: CanvasView) -> np.ndarray:
    return array_from_qimage(canvas.viewport().grab().toImage())


def test_transparency_shows_as_a_checkerboard(canvas) -> None:
    canvas.set_image(qimage_from_array(_sprite()))
    canvas.actual_size()
    canvas.zoom_in()  # any zoom: the checks stay the same size on screen
    screen = _screen(canvas)
    center = canvas.mapFromScene(6.0, 4.0)
    patch = screen[center.y() - 12 : center.y() + 12, center.x() - 12 : center.x() + 12, :3]
    greys = {tuple(p) for p in patch.reshape(-1, 3)}
    assert {(204, 204, 204), (153, 153, 153)} <= greys


def test_small_images_are_enlarged_without_blur(canvas) -> None:
    canvas.set_image(qimage_from_array(_sprite()))
    canvas.fit()
    assert canvas.zoom_factor() > 10
    screen = _screen(canvas)
    row = canvas.mapFromScene(0.0, 4.0).y()
    left, right = canvas.mapFromScene(0.5, 4.0).x(), canvas.mapFromScene(3.95, 4.0).x()
    reds = screen[row, left:right, :3]
    # Nearest neighbour: pure red right up to the edge; smoothing would ramp into the checks.
    assert (reds == (255, 0, 0)).all()


def test_zoom_limits_and_fit_mode(canvas) -> None:
    canvas.set_image(qimage_from_array(np.zeros((64, 64, 3), dtype=np.uint8)))
    for _ in range(60):
        canvas.zoom_in()
    assert canvas.zoom_factor() == pytest.approx(64.0)
    canvas.fit()
    fitted = canvas.zoom_factor()
    canvas.set_image(qimage_from_array(np.zeros((128, 128, 3), dtype=np.uint8)))
    assert canvas.zoom_factor() == pytest.approx(fitted / 2, rel=0.05)


def test_empty_canvas_explains_itself(canvas) -> None:
    assert canvas.is_empty_state_visible()
    canvas.set_image(qimage_from_array(np.zeros((4, 4, 3), dtype=np.uint8)))
    assert not canvas.is_empty_state_visible()
