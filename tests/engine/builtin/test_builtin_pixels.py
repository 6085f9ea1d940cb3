"""Pixel conventions: premultiplied model space in, straight RGBA with real transparency out."""

from __future__ import annotations

import numpy as np
import torch

from studio.engine.builtin.pixels import (
    ALPHA_FLOOR,
    model_to_rgba_uint8,
    preview_rgb_uint8,
    straight_uint8_to_model,
    upscale_nearest,
)


def _sprite() -> np.ndarray:
    image = np.zeros((1, 8, 8, 4), dtype=np.uint8)
    image[0, 2:6, 2:6] = (200, 30, 40, 255)  # opaque red square
    image[0, 0, 0] = (10, 200, 10, 128)  # half-transparent green corner
    return image


def test_round_trip_keeps_colours_and_transparency() -> None:
    image = _sprite()
    back = model_to_rgba_uint8(straight_uint8_to_model(image))
    assert back.shape == image.shape and back.dtype == np.uint8
    assert np.array_equal(back[0, 2:6, 2:6], image[0, 2:6, 2:6])
    assert np.abs(back[0, 0, 0].astype(int) - image[0, 0, 0]).max() <= 2
    assert (back[0, 7, 7] == 0).all()


def test_transparent_background_has_no_colour() -> None:
    x = torch.full((1, 4, 4, 4), -1.0)
    x[:, :3] = 0.3  # colour noise where alpha says "transparent"
    x[:, 3, 0, 0] = -1.0 + 2 * ALPHA_FLOOR / 2  # alpha below the floor snaps to 0
    rgba = model_to_rgba_uint8(x)
    assert (rgba[..., 3] == 0).all()
    assert (rgba[..., :3] == 0).all()


def test_model_space_is_premultiplied() -> None:
    x = straight_uint8_to_model(_sprite())
    transparent = x[0, :, 7, 7]
    assert torch.allclose(transparent, torch.full((4,), -1.0))


def test_preview_is_rgb_on_a_checkerboard() -> None:
    preview = preview_rgb_uint8(torch.full((2, 4, 16, 16), -1.0))
    assert preview.shape == (16, 16, 3) and preview.dtype == np.uint8
    assert len(np.unique(preview)) == 2  # only the two checker greys


def test_nearest_upscale_repeats_pixels() -> None:
    pixels = np.arange(4, dtype=np.uint8).reshape(2, 2, 1)
    up = upscale_nearest(pixels, 3)
    assert up.shape == (6, 6, 1)
    assert (up[:3, :3] == 0).all() and (up[3:, 3:] == 3).all()


def test_crisp_alpha_snaps_to_zero_or_one_and_keeps_colour() -> None:
    image = _sprite()
    image[0, 0, 1] = (10, 200, 10, 100)  # below one half: becomes transparent
    crisp = model_to_rgba_uint8(straight_uint8_to_model(image), crisp=True)
    assert set(np.unique(crisp[..., 3])) == {0, 255}
    assert (
        crisp[0, 0, 0, 3] == 255
        and np.abs(crisp[0, 0, 0, :3].astype(int) - (10, 200, 10)).max() <= 3
    )
    assert crisp[0, 0, 1, 3] == 0 and (crisp[0, 0, 1, :3] == 0).all()
    assert np.array_equal(crisp[0, 2:6, 2:6], image[0, 2:6, 2:6])
