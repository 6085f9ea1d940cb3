"""Mapping an image onto a palette: no dither, Floyd-Steinberg, Bayer 2/4/8 or Atkinson.

Pillow only offers none and Floyd-Steinberg (GAME_ASSETS.md), so all four live here. Every
output pixel is exactly a palette colour; alpha is left to the caller.
"""

from __future__ import annotations

import numpy as np

from studio.domain.pixelate_options import DITHER_METHODS
from studio.imaging.palettes.model import Palette
from studio.imaging.pixelart.diffusion import ATKINSON, FLOYD_STEINBERG, error_diffusion

# Weight of red, green and blue in the colour distance (roughly their share of luminance).
CHANNEL_WEIGHTS = np.array([0.30, 0.59, 0.11]) * 3


def quantize(pixels: np.ndarray, palette: Palette, dither: str = "none") -> np.ndarray:
    """The RGB of ``pixels`` replaced by palette colours.

    Parameters
    ----------
    pixels
        ``(H, W, 3)`` or ``(H, W, 4)`` ``uint8``; alpha is copied unchanged.
    palette
        Target colours.
    dither
        One of :data:`DITHER_METHODS`.
    """
    if dither not in DITHER_METHODS:
        raise ValueError(f"dither must be one of {', '.join(DITHER_METHODS)}, not {dither!r}")
    colours = palette.array().astype(np.float64)
    rgb = pixels[:, :, :3].astype(np.float64)
    if dither == "none":
        indices = nearest_indices(rgb, colours)
    elif dither.startswith("bayer"):
        indices = _ordered(rgb, colours, int(dither[5:]))
    else:
        kernel = FLOYD_STEINBERG if dither == "floyd-steinberg" else ATKINSON
        visible = pixels[:, :, 3] >= 128 if pixels.shape[2] == 4 else None
        indices = error_diffusion(rgb, colours, CHANNEL_WEIGHTS, kernel, visible)
    result = pixels.copy()
    result[:, :, :3] = colours[indices].astype(np.uint8)
    return result


def nearest_indices(rgb: np.ndarray, colours: np.ndarray) -> np.ndarray:
    """Index of the closest palette colour for every pixel (weighted RGB distance)."""
    weights = CHANNEL_WEIGHTS
    flat = rgb.reshape(-1, 3)
    best = np.zeros(len(flat), dtype=np.int64)
    best_distance = np.full(len(flat), np.inf)
    for index, colour in enumerate(colours):  # one pass per colour keeps memory at O(H*W)
        distance = (((flat - colour) ** 2) * weights).sum(axis=1)
        closer = distance < best_distance
        best[closer], best_distance[closer] = index, distance[closer]
    return best.reshape(rgb.shape[:2])


def bayer_matrix(size: int) -> np.ndarray:
    """The ``size`` x ``size`` Bayer threshold matrix (2, 4 or 8) with values 0..size²-1."""
    if size not in (2, 4, 8):
        raise ValueError(f"Bayer matrices here are 2, 4 or 8 wide, not {size}")
    matrix = np.array([[0, 2], [3, 1]])
    while len(matrix) < size:
        matrix = np.block([[4 * matrix, 4 * matrix + 2], [4 * matrix + 3, 4 * matrix + 1]])
    return matrix


def _ordered(rgb: np.ndarray, colours: np.ndarray, size: int) -> np.ndarray:
    matrix = bayer_matrix(size)
    height, width = rgb.shape[:2]
    threshold = (matrix + 0.5) / (size * size) - 0.5
    tiled = np.tile(threshold, (height // size + 1, width // size + 1))[:height, :width]
    return nearest_indices(rgb + tiled[:, :, np.newaxis] * _spread(colours), colours)


def _spread(colours: np.ndarray) -> float:
    """How far ordered dither may push a pixel: the palette's typical neighbour distance."""
    if len(colours) < 2:
        return 0.0
    distances = np.sqrt(((colours[:, np.newaxis] - colours[np.newaxis]) ** 2).sum(axis=2))
    np.fill_diagonal(distances, np.inf)
    return float(np.median(distances.min(axis=1)))
