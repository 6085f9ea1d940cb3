""" "Remove background": key colour, soft matte, despill, edge bleed, in one call."""

from __future__ import annotations

import numpy as np

from studio.imaging.matte.despill import bleed_edges, despill
from studio.imaging.matte.key import detect_key_colour, key_distance
from studio.imaging.matte.refine import BACKGROUND_DISTANCE, key_trimap, solve_alpha
from studio.imaging.pixels import ensure_rgba

# Alpha this small is noise from the solver; it becomes fully transparent.
ALPHA_FLOOR = 0.02


def remove_background(
    pixels: np.ndarray, key: tuple[int, int, int] | None = None, method: str = "cf"
) -> tuple[np.ndarray, tuple[int, int, int]]:
    """Key out a flat background.

    Parameters
    ----------
    pixels
        ``(H, W, 3|4)`` ``uint8``; an existing alpha channel is kept where it is lower.
    key
        The background colour; ``None`` detects it from the border.
    method
        pymatting's ``"cf"`` (closed-form) or ``"knn"``.

    Returns
    -------
    tuple
        RGBA ``uint8`` with soft alpha, spill removed and edge colours bled into transparent
        pixels; and the key colour used.
    """
    rgba = ensure_rgba(pixels)
    rgb = rgba[:, :, :3]
    key = key if key is not None else detect_key_colour(rgb)
    distance = key_distance(rgb, key)
    alpha, foreground = solve_alpha(rgb, key_trimap(distance), method)
    # Whatever still looks like the key is background, whatever the solver said.
    alpha[distance < BACKGROUND_DISTANCE / 2] = 0.0
    alpha[alpha < ALPHA_FLOOR] = 0.0
    colour = despill(foreground * 255.0, alpha, key)
    result = np.empty_like(rgba)
    result[:, :, :3] = np.clip(np.rint(colour), 0, 255).astype(np.uint8)
    matte = np.clip(np.rint(alpha * 255.0), 0, 255).astype(np.uint8)
    result[:, :, 3] = np.minimum(matte, rgba[:, :, 3])
    return bleed_edges(result), key
