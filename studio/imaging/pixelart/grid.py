"""Finding the pixel grid of an image that shows pixel art at a larger size.

Pixel art shown larger is made of ``cell`` x ``cell`` blocks of one colour, so nearly all colour
change between neighbouring columns (and rows) happens on the block borders: one line in
``cell``. For each candidate cell we measure the share of the edge energy that falls on its
best-aligned lines. Halving the cell keeps that share (its lines include the true ones), while
doubling it halves the share, so the grid is the largest cell whose lines carry most of it.

Energy alone is fooled by flat sprites: a big body's long sides carry most of it, and when they
happen to sit on every other art pixel, twice the grid wins although the eyes and claws sit in
between. So a cell must also hold most of the *lines* that change at all, each line counted once
however long its edge: the small details vote as much as the large flat areas.
"""

from __future__ import annotations

import numpy as np

MIN_CELL = 2
# Share of all edge energy the grid lines must carry, in both directions. A picture with no
# grid gives about 1/cell; pixel art shown larger gives close to 1.
MIN_SHARE = 0.65
# Share of the changing lines (each counted once) the grid lines must hold. Clean art puts all
# of them on its grid; twice the grid misses the odd ones, which in a flat sprite with few
# edges can still be two thirds of them (tests/imaging/test_pixel_grid.py).
MIN_LINE_SHARE = 0.85
# A line changes when its energy is above this many times the quietest quarter of the lines:
# zero on clean art (off-grid lines do not change), above the noise of a generated image.
NOISE_FACTOR = 4.0


def detect_cell_size(pixels: np.ndarray, max_cell: int = 64) -> int:
    """The side of one art pixel in screen pixels; 1 when no grid is visible.

    Parameters
    ----------
    pixels
        ``(H, W, C)`` ``uint8``.
    max_cell
        Largest cell tried (capped at a quarter of the shorter side).
    """
    height, width = pixels.shape[:2]
    limit = min(max_cell, min(height, width) // 4)
    values = pixels.astype(np.int32)
    columns = np.abs(np.diff(values, axis=1)).sum(axis=(0, 2)).astype(np.float64)
    rows = np.abs(np.diff(values, axis=0)).sum(axis=(1, 2)).astype(np.float64)
    if columns.sum() == 0 or rows.sum() == 0:
        return 1
    column_lines, row_lines = changing_lines(columns), changing_lines(rows)
    if column_lines.sum() == 0 or row_lines.sum() == 0:
        return 1  # every line changes about as much as the others: noise, no grid
    # Noise adds the same to every line; over a large flat image it would outweigh the edges.
    columns, rows = above_noise(columns), above_noise(rows)
    for cell in range(limit, MIN_CELL - 1, -1):
        energy = min(line_share(columns, cell), line_share(rows, cell))
        lines = min(line_share(column_lines, cell), line_share(row_lines, cell))
        if energy >= MIN_SHARE and lines >= MIN_LINE_SHARE:
            return cell
    return 1


def changing_lines(energy: np.ndarray) -> np.ndarray:
    """1.0 for each line whose change stands above the image's noise, else 0.0."""
    floor = NOISE_FACTOR * _noise(energy)
    return (energy > floor).astype(np.float64)


def above_noise(energy: np.ndarray) -> np.ndarray:
    """``energy`` less the change of a quiet line (zero on clean art)."""
    return np.clip(energy - _noise(energy), 0.0, None)


def _noise(energy: np.ndarray) -> float:
    # Most lines of pixel art shown larger are inside a block, so the quietest quarter of the
    # lines measures the noise alone.
    return float(np.percentile(energy, 25))


def line_share(energy: np.ndarray, cell: int) -> float:
    """Share of ``energy`` on the best-aligned lines of period ``cell``.

    ``energy[i]`` is the change between pixel ``i`` and ``i + 1``; the lines sit at
    ``i = offset + k * cell``.
    """
    total = energy.sum()
    return float(max(energy[offset::cell].sum() for offset in range(cell)) / total)
