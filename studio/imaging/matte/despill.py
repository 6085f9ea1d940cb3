"""Removing the key colour's tint from edge pixels, and bleeding colour under alpha 0."""

from __future__ import annotations

import numpy as np
from scipy import ndimage


def despill(rgb: np.ndarray, alpha: np.ndarray, key: tuple[int, int, int]) -> np.ndarray:
    """Limit the key's dominant channel to the larger of the other two on see-through pixels.

    A green key leaves green fringes: on partly transparent pixels, green above
    ``max(red, blue)`` is spill, not the sprite's colour. Opaque pixels are left alone so a
    green sprite stays green.
    """
    dominant = int(np.argmax(key))
    others = [c for c in range(3) if c != dominant]
    result = rgb.astype(np.float64).copy()
    limit = result[:, :, others].max(axis=2)
    edge = (alpha > 0) & (alpha < 1)
    channel = result[:, :, dominant]
    channel[edge] = np.minimum(channel[edge], limit[edge])
    return result


def bleed_edges(rgba: np.ndarray) -> np.ndarray:
    """Copy each fully transparent pixel's RGB from the nearest visible pixel.

    Filtered or mip-mapped atlases blend transparent neighbours into edges; with the
    neighbours holding the edge's own colour, no dark or key-coloured halo appears.
    """
    hidden = rgba[:, :, 3] == 0
    if not hidden.any() or hidden.all():
        return rgba
    _, (rows, columns) = ndimage.distance_transform_edt(hidden, return_indices=True)
    result = rgba.copy()
    result[hidden, :3] = rgba[rows[hidden], columns[hidden], :3]
    return result
