"""Whole-factor nearest-neighbour enlargement: the one helper for crisp pixel-art scaling."""

from __future__ import annotations

import numpy as np


def scale_nearest(pixels: np.ndarray, factor: int) -> np.ndarray:
    """Each pixel becomes a ``factor`` x ``factor`` block (factor 1 returns the input)."""
    if factor < 1:
        raise ValueError(f"scale factor must be at least 1, not {factor}")
    if factor == 1:
        return pixels
    return np.repeat(np.repeat(pixels, factor, axis=0), factor, axis=1)
