"""The pixel-grid detector on flat-colour sprites: the grid they were drawn at, never coarser.

A flat sprite has few edges, and a big body's long straight sides carry most of the edge energy;
when those sides fall on every other art pixel they used to outvote the small details and the
grid came out doubled (a 2 px dragon detected as 4 px, pixelated to a quarter of its pixels).
"""

from __future__ import annotations

import numpy as np
import pytest

from studio.imaging.pixelart import detect_cell_size
from studio.imaging.pixels import upscale_nearest

_INK = (20, 12, 28, 255)
_BODY = (64, 160, 72, 255)
_BELLY = (200, 220, 120, 255)
_EYE = (250, 240, 230, 255)


def _dragon(size: int = 32) -> np.ndarray:
    """A flat sprite: a big body whose sides sit on even art pixels, small odd details."""
    art = np.zeros((size, size, 4), dtype=np.uint8)
    art[4:28, 4:28] = _INK  # outline: long edges at even art positions only
    art[6:26, 6:26] = _BODY
    art[14:24, 10:22] = _BELLY  # still even
    art[9, 9] = _EYE  # one-pixel details at odd positions, short edges
    art[9, 19] = _EYE
    art[17:20, 13] = _INK
    art[27:30, 7] = _INK  # a claw poking out, odd column
    return art


def _blob(size: int, seed: int) -> np.ndarray:
    """Flat rectangles of a few colours on a transparent ground (random, seeded)."""
    rng = np.random.default_rng(seed)
    colours = [_INK, _BODY, _BELLY, _EYE]
    art = np.zeros((size, size, 4), dtype=np.uint8)
    for index in range(10):
        top, left = rng.integers(1, size - 3, size=2)
        height, width = rng.integers(1, size // 2, size=2)
        art[top : top + height, left : left + width] = colours[index % len(colours)]
    return art


@pytest.mark.parametrize("cell", [1, 2, 3, 4])
def test_a_flat_sprite_is_found_at_the_grid_it_was_drawn_at(cell: int) -> None:
    assert detect_cell_size(upscale_nearest(_dragon(), cell)) == cell


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("cell", [1, 2, 3, 4])
def test_flat_rectangles_are_found_at_their_grid(cell: int, seed: int) -> None:
    art = _blob(24, seed)
    # Only a sprite that has an edge on an odd art pixel in both directions pins its grid down;
    # one made of even runs only is the same picture at twice the grid.
    assert _has_odd_edges(art)
    assert detect_cell_size(upscale_nearest(art, cell)) == cell


def test_a_large_flat_area_does_not_vote_for_a_coarser_grid() -> None:
    art = np.zeros((48, 48, 4), dtype=np.uint8)
    art[8:40, 8:40] = _BODY  # a huge square, sides on every 8th art pixel
    art[20, 21] = _EYE  # and one single art pixel
    assert detect_cell_size(upscale_nearest(art, 2)) == 2


def _has_odd_edges(art: np.ndarray) -> bool:
    values = art.astype(np.int32)
    columns = np.flatnonzero(np.abs(np.diff(values, axis=1)).sum(axis=(0, 2)))
    rows = np.flatnonzero(np.abs(np.diff(values, axis=0)).sum(axis=(1, 2)))
    # an edge after art pixel i sits at i; odd and even positions both used means runs of odd length
    return all(len(set((lines % 2).tolist())) == 2 for lines in (columns, rows))


@pytest.mark.parametrize("cell", [2, 4, 8])
def test_a_flat_sprite_under_slight_noise_keeps_its_grid(cell: int) -> None:
    # generated images are never exactly flat: the noise must not count as lines that change
    rng = np.random.default_rng(cell)
    big = upscale_nearest(_dragon(), cell).astype(np.int16)
    big[:, :, :3] += rng.integers(-3, 4, size=big[:, :, :3].shape, dtype=np.int16)
    assert detect_cell_size(np.clip(big, 0, 255).astype(np.uint8)) == cell
