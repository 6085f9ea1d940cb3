"""Finding the pixel grid of an image that shows pixel art at a larger size.

Pixel art shown larger is made of ``cell`` x ``cell`` blocks of one colour, so nearly all colour
change between neighbouring columns (and rows) happens on the block borders: one line in
``cell``. For each candidate cell we measure the share of the edge energy that falls on its
best-aligned lines. Halving the cell keeps that share (its lines include the true ones), while
doubling it halves the share, so the grid is the largest cell whose lines carry most of it.
"""

from __future__ import annotations

import numpy as np

MIN_CELL = 2
# Share of all edge energy the grid lines must carry, in both directions. A picture with no
# grid gives about 1/cell; pixel art shown larger gives close to 1.
MIN_SHARE = 0.65


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
    for cell in range(limit, MIN_CELL - 1, -1):
        if min(line_share(columns, cell), line_share(rows, cell)) >= MIN_SHARE:
            return cell
    return 1


def line_share(energy: np.ndarray, cell: int) -> float:
    """Share of ``energy`` on the best-aligned lines of period ``cell``.

    ``energy[i]`` is the change between pixel ``i`` and ``i + 1``; the lines sit at
    ``i = offset + k * cell``.
    """
    total = energy.sum()
    return float(max(energy[offset::cell].sum() for offset in range(cell)) / total)
