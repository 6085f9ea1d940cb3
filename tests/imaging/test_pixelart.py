"""Pixelate: grid detection, k-centroid downscale, dithering, 1-bit alpha, outline."""

from __future__ import annotations

import numpy as np
import pytest

from studio.domain.pixelate_options import DITHER_METHODS, PixelateOptions
from studio.imaging.palettes import BUILTIN_PALETTES, Palette, off_palette_mask
from studio.imaging.pixelart import (
    bayer_matrix,
    detect_cell_size,
    downscale,
    pixelate,
    quantize,
)
from studio.imaging.pixels import upscale_nearest


def _art(size: int = 16, seed: int = 0) -> np.ndarray:
    """Small random pixel art with a transparent border."""
    rng = np.random.default_rng(seed)
    art = np.zeros((size, size, 4), dtype=np.uint8)
    art[2:-2, 2:-2, :3] = rng.integers(0, 256, size=(size - 4, size - 4, 3))
    art[2:-2, 2:-2, 3] = 255
    return art


@pytest.mark.parametrize("cell", [2, 3, 5, 8])
def test_grid_of_enlarged_pixel_art_is_found(cell: int) -> None:
    assert detect_cell_size(upscale_nearest(_art(), cell)) == cell


def test_a_photo_like_image_has_no_grid() -> None:
    rng = np.random.default_rng(3)
    noise = rng.integers(0, 256, size=(96, 96, 3)).astype(np.uint8)
    assert detect_cell_size(noise) == 1


def test_enlarged_art_pixelates_back_to_itself_exactly() -> None:
    art = _art()
    palette = Palette(
        "art", tuple(dict.fromkeys(map(tuple, art[2:-2, 2:-2, :3].reshape(-1, 3).tolist())))
    )
    result, cell = pixelate(upscale_nearest(art, 4), PixelateOptions(palette=palette))
    assert cell == 4
    np.testing.assert_array_equal(result, art)


def test_k_centroid_keeps_a_thin_outline_that_an_average_would_grey() -> None:
    cell = np.full((4, 4, 4), 255, dtype=np.uint8)
    cell[:, :, :3] = (20, 20, 20)
    cell[0, :, :3] = (240, 240, 240)  # a quarter of the cell is light anti-aliasing
    result = downscale(cell, 4, "kcentroid")
    assert result[0, 0].tolist() == [20, 20, 20, 255]
    assert cell[:, :, :3].mean() > 60  # what averaging would have given


@pytest.mark.parametrize("dither", DITHER_METHODS)
@pytest.mark.parametrize("palette", ["PICO-8", "Game Boy", "NES"])
def test_pixelated_images_have_no_off_palette_pixels(dither: str, palette: str) -> None:
    rng = np.random.default_rng(7)
    gradient = np.zeros((48, 48, 4), dtype=np.uint8)
    gradient[..., 0] = np.linspace(0, 255, 48)[None, :]
    gradient[..., 1] = np.linspace(0, 255, 48)[:, None]
    gradient[..., 2] = rng.integers(0, 256, (48, 48))
    gradient[..., 3] = rng.integers(0, 256, (48, 48))
    options = PixelateOptions(palette=BUILTIN_PALETTES[palette], cell=2, dither=dither)
    result, _ = pixelate(gradient, options)
    assert result.shape == (24, 24, 4)
    assert off_palette_mask(result, BUILTIN_PALETTES[palette]).sum() == 0
    assert set(np.unique(result[..., 3])) <= {0, 255}


def test_dithering_mixes_two_colours_for_a_middle_grey() -> None:
    grey = np.full((16, 16, 3), 128, dtype=np.uint8)
    palette = Palette("bw", ((0, 0, 0), (255, 255, 255)))
    assert len(np.unique(quantize(grey, palette, "none").reshape(-1, 3), axis=0)) == 1
    for method in ("floyd-steinberg", "bayer4", "atkinson"):
        share = (quantize(grey, palette, method)[..., 0] == 255).mean()
        assert 0.3 < share < 0.7, method


@pytest.mark.parametrize("size", [2, 4, 8])
def test_bayer_matrices_hold_every_threshold_once(size: int) -> None:
    matrix = bayer_matrix(size)
    assert sorted(matrix.reshape(-1).tolist()) == list(range(size * size))
    assert bayer_matrix(2).tolist() == [[0, 2], [3, 1]]


def test_outline_surrounds_the_sprite_in_the_darkest_colour() -> None:
    art = np.zeros((5, 5, 4), dtype=np.uint8)
    art[2, 2] = (255, 241, 232, 255)
    options = PixelateOptions(palette=BUILTIN_PALETTES["PICO-8"], cell=1, outline=True)
    result, _ = pixelate(art, options)
    ring = [(1, 2), (3, 2), (2, 1), (2, 3)]
    assert all(result[y, x].tolist() == [0, 0, 0, 255] for y, x in ring)
    assert result[1, 1, 3] == 0


def test_alpha_threshold_decides_what_stays() -> None:
    art = np.zeros((1, 2, 4), dtype=np.uint8)
    art[0, 0] = (255, 0, 77, 100)
    art[0, 1] = (255, 0, 77, 200)
    options = PixelateOptions(palette=BUILTIN_PALETTES["PICO-8"], cell=1, alpha_threshold=150)
    result, _ = pixelate(art, options)
    assert result[0, :, 3].tolist() == [0, 255]
