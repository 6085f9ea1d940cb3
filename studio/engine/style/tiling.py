"""Overlapping tiles with feathered seams, so large images run in bounded memory.

Windows of ``tile`` pixels overlap by at least ``overlap``. Between two neighbours the image is
cut at the middle of their overlap and the two outputs are cross-faded with a cosine ramp of
half-width ``overlap / 2 - margin`` around the cut. The ``margin`` pixels next to a window's
edge never contribute: that is where reflect padding at the tile border (instead of the real
neighbouring pixels) disturbs the network's output. Per axis the weights of all windows sum to
one at every pixel, and the 2-D weight is the product of the two axes, so blending needs a
single accumulator and no normalisation pass.

Windows start on multiples of ``align`` (4 for both networks, which downsample twice by 2) so
every tile sees the same pixel grid as the whole image would.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Window:
    """One tile along one axis: ``[start, stop)`` and its blending weights over that span."""

    start: int
    stop: int
    weights: np.ndarray


def _positions(length: int, tile: int, overlap: int, align: int) -> list[int]:
    if length <= tile:
        return [0]
    count = math.ceil((length - overlap) / (tile - overlap))
    span = length - tile
    raw = [span * i / (count - 1) for i in range(count)]
    positions = [round(p / align) * align for p in raw]
    positions[-1] = span  # the last window ends exactly at the image border
    return positions


def _ramp(size: int) -> np.ndarray:
    """Cosine rise from 0 to 1 over ``size`` samples (midpoint sampled)."""
    t = (np.arange(size, dtype=np.float64) + 0.5) / size
    return (0.5 - 0.5 * np.cos(np.pi * t)).astype(np.float32)


def plan_axis(length: int, tile: int, overlap: int, margin: int, align: int = 4) -> list[Window]:
    """Windows covering ``[0, length)`` with weights that sum to one at every position.

    Parameters
    ----------
    length
        Image size along this axis (a multiple of ``align``).
    tile
        Window size including the overlap (a multiple of ``align``).
    overlap
        Least overlap between neighbouring windows.
    margin
        Pixels at a window's inner edges that get zero weight.
    """
    if tile % align or length % align:
        raise ValueError("tile and length must be multiples of align")
    if not 0 <= 2 * margin < overlap < tile:
        raise ValueError("need 0 <= 2 * margin < overlap < tile")
    starts = _positions(length, tile, overlap, align)
    half = overlap // 2 - margin
    cuts = [(starts[i + 1] + starts[i] + tile) // 2 for i in range(len(starts) - 1)]
    windows = []
    for i, start in enumerate(starts):
        stop = min(start + tile, length)
        weights = np.ones(stop - start, dtype=np.float32)
        if i > 0:  # fade in around the cut shared with the previous window
            lo = cuts[i - 1] - half - start
            weights[:lo] = 0.0
            weights[lo : lo + 2 * half] = _ramp(2 * half)
        if i < len(starts) - 1:  # fade out around the cut shared with the next window
            lo = cuts[i] - half - start
            weights[lo + 2 * half :] = 0.0
            weights[lo : lo + 2 * half] *= _ramp(2 * half)[::-1]
        windows.append(Window(start, stop, weights))
    return windows


@dataclass(frozen=True)
class Tile:
    """A rectangle of the image and the weight each of its output pixels gets in the blend."""

    top: int
    bottom: int
    left: int
    right: int
    weights: np.ndarray  # (bottom - top, right - left) float32


def plan_tiles(height: int, width: int, tile: int, overlap: int, margin: int) -> list[Tile]:
    """Row-major tiles covering a ``height`` x ``width`` image; weights sum to one everywhere."""
    rows = plan_axis(height, tile, overlap, margin)
    cols = plan_axis(width, tile, overlap, margin)
    return [
        Tile(r.start, r.stop, c.start, c.stop, np.outer(r.weights, c.weights))
        for r in rows
        for c in cols
    ]
