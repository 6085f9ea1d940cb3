"""Control images made without weights: edges, scribble, blockout and OpenPose skeletons."""

from __future__ import annotations

import numpy as np
import pytest

from studio.domain.errors import InvalidRequestError
from studio.domain.pose import LIMBS, STANDING
from studio.imaging.control import make_control_image
from studio.imaging.control.pose import OPENPOSE_COLOURS


def _square() -> np.ndarray:
    pixels = np.full((48, 48, 3), 255, dtype=np.uint8)
    pixels[12:36, 12:36] = 0
    return pixels


def test_canny_draws_white_edges_on_the_square_outline_only():
    edges = make_control_image("canny", _square())
    assert edges.shape == (48, 48, 3) and set(np.unique(edges)) == {0, 255}
    assert edges[24, 11:14].max() == 255  # the left side of the square
    assert edges[24, 20:28].max() == 0  # its flat inside
    assert edges[2:6, 2:6].max() == 0  # the flat background


def test_soft_edges_are_brightest_on_the_edge_and_graded():
    soft = make_control_image("softedge", _square())[:, :, 0]
    assert soft[24, 11:14].max() == 255
    assert soft[24, 24] == 0
    assert len(np.unique(soft)) > 10


def test_a_dark_scribble_on_paper_and_one_on_a_transparent_layer_give_the_same_lines():
    paper = np.full((16, 16, 3), 255, dtype=np.uint8)
    paper[8, 2:14] = 20
    layer = np.zeros((16, 16, 4), dtype=np.uint8)
    layer[8, 2:14] = (20, 20, 20, 255)
    lines = make_control_image("scribble", paper)
    assert np.array_equal(lines, make_control_image("scribble", layer))
    assert lines[8, 5].tolist() == [255, 255, 255] and lines[3, 3].tolist() == [0, 0, 0]


def test_a_blockout_keeps_few_exact_colours():
    rng = np.random.default_rng(0)
    pixels = np.zeros((32, 32, 3), dtype=np.uint8)
    pixels[:, 16:] = (200, 40, 40)
    noisy = np.clip(pixels.astype(int) + rng.integers(-6, 7, pixels.shape), 0, 255)
    flat = make_control_image(
        "blockout",
        noisy.astype(np.uint8),
    )
    assert len(np.unique(flat.reshape(-1, 3), axis=0)) <= 24
    assert len(np.unique(flat[:, 20:].reshape(-1, 3), axis=0)) < len(
        np.unique(noisy[:, 20:].reshape(-1, 3), axis=0)
    )


def test_a_skeleton_is_drawn_in_openpose_colours():
    pose = make_control_image("openpose", skeletons=[STANDING], size=(256, 256))
    nose = (int(0.50 * 256), int(0.14 * 256))
    assert pose[nose[1], nose[0]].tolist() == list(OPENPOSE_COLOURS[0])
    # Limb 0 (neck to right shoulder) in its colour at 60 % brightness, between its ends.
    mid = (int(0.45 * 256), int(0.24 * 256))
    assert pose[mid[1], mid[0]].tolist() == [int(c * 0.6) for c in OPENPOSE_COLOURS[0]]
    assert len(LIMBS) == 17 and pose[250, 5].tolist() == [0, 0, 0]


def test_a_hidden_point_draws_neither_it_nor_its_limbs():
    points = list(STANDING.points)
    points[4] = None  # the right wrist
    hidden = make_control_image(
        "openpose", skeletons=[type(STANDING)(tuple(points))], size=(256, 256)
    )
    wrist = (int(0.35 * 256), int(0.52 * 256))
    assert hidden[wrist[1], wrist[0]].tolist() == [0, 0, 0]


def test_an_edge_control_without_an_image_is_one_line():
    with pytest.raises(InvalidRequestError, match="canny control needs an image"):
        make_control_image("canny")
