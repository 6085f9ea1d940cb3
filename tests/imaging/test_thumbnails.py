"""History thumbnails keep pixel art crisp and keep transparency."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from studio.imaging.thumbnails import make_thumbnail


def _decode(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_small_pixel_art_is_enlarged_with_nearest_neighbour_and_keeps_alpha() -> None:
    sprite = np.random.default_rng(5).integers(0, 256, (64, 64, 4), dtype=np.uint8)
    sprite[:, :8, 3] = 0  # a transparent margin

    thumbnail = _decode(make_thumbnail(sprite))

    assert thumbnail.mode == "RGBA" and thumbnail.size == (128, 128)
    # Every source pixel became an exact 2x2 block: no blur, no new colours.
    assert np.array_equal(np.asarray(thumbnail), sprite.repeat(2, axis=0).repeat(2, axis=1))


def test_tiny_sprite_is_enlarged_by_a_whole_factor() -> None:
    sprite = np.zeros((16, 10, 4), np.uint8)
    sprite[::2, ::2] = (255, 0, 0, 255)

    thumbnail = _decode(make_thumbnail(sprite))

    assert thumbnail.size == (80, 128)  # factor 8
    assert set(map(tuple, np.asarray(thumbnail).reshape(-1, 4))) == {(0, 0, 0, 0), (255, 0, 0, 255)}


def test_large_images_shrink_to_max_side_keeping_aspect() -> None:
    pixels = np.random.default_rng(6).integers(0, 256, (512, 1024, 3), dtype=np.uint8)

    thumbnail = _decode(make_thumbnail(pixels, max_side=256))

    assert thumbnail.size == (256, 128)
    assert thumbnail.mode == "RGB"


def test_downscaled_transparent_edges_get_no_dark_fringe() -> None:
    pixels = np.zeros((512, 512, 4), np.uint8)
    pixels[:, 256:] = (255, 255, 255, 255)  # white on the right, transparent black on the left

    thumbnail = np.asarray(_decode(make_thumbnail(pixels, max_side=64)))

    edge = thumbnail[:, 31:34]
    visible = edge[edge[:, :, 3] > 0]
    assert thumbnail.shape == (64, 64, 4)
    assert visible[:, :3].min() >= 250  # premultiplied resampling: white stays white


def test_mid_sized_images_are_kept_as_they_are() -> None:
    pixels = np.random.default_rng(7).integers(0, 256, (150, 200, 4), dtype=np.uint8)
    pixels[..., 3] = 255

    thumbnail = _decode(make_thumbnail(pixels))

    assert thumbnail.mode == "RGB"
    assert np.array_equal(np.asarray(thumbnail), pixels[:, :, :3])


def test_very_thin_images_keep_at_least_one_pixel() -> None:
    assert _decode(make_thumbnail(np.zeros((2000, 1, 3), np.uint8))).size == (1, 256)
