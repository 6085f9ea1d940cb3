"""Alpha for pixel art: one bit, and an optional one-pixel outline."""

from __future__ import annotations

import numpy as np


def one_bit_alpha(pixels: np.ndarray, threshold: int = 128) -> np.ndarray:
    """RGBA with alpha 255 where it was at least ``threshold`` and 0 elsewhere.

    Fully transparent pixels get RGB 0 so no stray colour hides in them.
    """
    if not 1 <= threshold <= 255:
        raise ValueError(f"alpha threshold must be 1-255, not {threshold}")
    result = pixels.copy()
    opaque = pixels[:, :, 3] >= threshold
    result[:, :, 3] = np.where(opaque, 255, 0)
    result[~opaque, :3] = 0
    return result


def add_outline(pixels: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    """Paint every transparent pixel that touches an opaque one (4-neighbourhood) ``colour``."""
    opaque = pixels[:, :, 3] > 0
    padded = np.pad(opaque, 1)
    touching = padded[:-2, 1:-1] | padded[2:, 1:-1] | padded[1:-1, :-2] | padded[1:-1, 2:]
    ring = touching & ~opaque
    result = pixels.copy()
    result[ring] = (*colour, 255)
    return result
