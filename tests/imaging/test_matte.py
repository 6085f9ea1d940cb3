"""Remove background: key detection, soft matte with pymatting, despill, edge bleed."""

from __future__ import annotations

import numpy as np
import pytest

from studio.domain.errors import InvalidRequestError
from studio.imaging.matte import bleed_edges, detect_key_colour, remove_background

# What models paint when asked for "#00FF00" (GAME_ASSETS.md).
MODEL_GREEN = np.array([8.0, 162.0, 24.0])


def _sprite_on_key(size: int = 80) -> tuple[np.ndarray, np.ndarray]:
    """A two-colour disc with a soft 3-px edge composited on the key; and its true alpha."""
    yy, xx = np.mgrid[:size, :size]
    radius = np.hypot(yy - size / 2, xx - size / 2)
    alpha = np.clip((size / 3 - radius) / 3 + 0.5, 0.0, 1.0)
    colour = np.zeros((size, size, 3))
    colour[...] = (200, 60, 40)
    colour[yy < size / 2.5] = (240, 200, 60)
    rng = np.random.default_rng(0)
    background = MODEL_GREEN + rng.normal(0, 3, size=(size, size, 3))  # not perfectly flat
    image = colour * alpha[..., None] + background * (1 - alpha[..., None])
    return np.clip(np.rint(image), 0, 255).astype(np.uint8), alpha


def test_key_is_detected_from_the_border() -> None:
    image, _ = _sprite_on_key()
    key = np.array(detect_key_colour(image))
    assert np.abs(key - MODEL_GREEN).max() <= 3


def test_a_busy_border_is_one_clear_error() -> None:
    noise = np.random.default_rng(1).integers(0, 256, (40, 40, 3)).astype(np.uint8)
    with pytest.raises(InvalidRequestError, match="not one flat colour"):
        detect_key_colour(noise)


@pytest.mark.parametrize("method", ["cf", "knn"])
def test_matte_recovers_alpha_and_leaves_no_key_colour(method: str) -> None:
    image, alpha = _sprite_on_key()
    result, _ = remove_background(image, method=method)
    found = result[..., 3] / 255.0
    assert np.abs(found - alpha).mean() < 0.01
    edge = (alpha > 0.05) & (alpha < 0.95)
    assert np.abs(found - alpha)[edge].mean() < 0.2
    distance = np.linalg.norm(result[..., :3].astype(float) - MODEL_GREEN, axis=2)
    assert ((distance < 60) & (result[..., 3] > 0)).sum() == 0
    # Despill: no see-through pixel is greener than its red and blue allow.
    see_through = (result[..., 3] > 0) & (result[..., 3] < 255)
    rgb = result[..., :3].astype(int)
    assert (rgb[..., 1] <= np.maximum(rgb[..., 0], rgb[..., 2]))[see_through].all()


def test_transparent_pixels_take_the_colour_of_the_nearest_edge() -> None:
    image, _ = _sprite_on_key()
    result, _ = remove_background(image)
    hidden = result[..., 3] == 0
    assert hidden.any()
    # No black or key-green under alpha 0: every hidden colour is one the sprite shows.
    visible = {tuple(c) for c in result[~hidden, :3].tolist()}
    assert {tuple(c) for c in result[hidden, :3].tolist()} <= visible


def test_bleed_copies_from_the_nearest_visible_pixel() -> None:
    rgba = np.zeros((1, 5, 4), dtype=np.uint8)
    rgba[0, 0] = (10, 20, 30, 255)
    rgba[0, 4] = (200, 100, 0, 255)
    bled = bleed_edges(rgba)
    assert bled[0, 1, :3].tolist() == [10, 20, 30]
    assert bled[0, 3, :3].tolist() == [200, 100, 0]
    assert bled[0, :, 3].tolist() == [255, 0, 0, 0, 255]
