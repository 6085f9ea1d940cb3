"""Soft alpha from a key colour: a trimap, then pymatting's closed-form (or KNN) matting.

Pixels far from the key are surely foreground, pixels at the key surely background; a band
a few pixels wide around the boundary is left unknown and solved by pymatting, which also
estimates the true foreground colour there (the key's tint removed).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from studio.domain.errors import InvalidRequestError

MATTING_METHODS = ("cf", "knn")
BACKGROUND_DISTANCE = 70.0
FOREGROUND_DISTANCE = 150.0
UNKNOWN_BAND = 2


def key_trimap(distance: np.ndarray, band: int = UNKNOWN_BAND) -> np.ndarray:
    """A trimap (0 background, 1 foreground, 0.5 unknown) from the distance to the key."""
    background = distance < BACKGROUND_DISTANCE
    foreground = distance > FOREGROUND_DISTANCE
    # Widen the unknown region around every boundary, so edge pixels are solved, not guessed.
    edge = ndimage.binary_dilation(
        ~background & ~foreground | _boundary(foreground), iterations=band
    )
    trimap = np.full(distance.shape, 0.5)
    trimap[background & ~edge] = 0.0
    trimap[foreground & ~edge] = 1.0
    return trimap


def solve_alpha(
    rgb: np.ndarray, trimap: np.ndarray, method: str = "cf"
) -> tuple[np.ndarray, np.ndarray]:
    """Alpha and foreground colours for the unknown pixels of ``trimap``.

    Returns
    -------
    tuple
        ``alpha`` ``(H, W)`` in 0-1 and ``foreground`` ``(H, W, 3)`` in 0-1.
    """
    if method not in MATTING_METHODS:
        raise InvalidRequestError(f"Matting method is 'cf' or 'knn', not {method!r}.")
    from pymatting import estimate_alpha_cf, estimate_alpha_knn, estimate_foreground_ml

    image = rgb.astype(np.float64) / 255.0
    if not (trimap == 0.5).any():
        alpha = trimap.copy()
    elif not (trimap == 0).any() or not (trimap == 1).any():
        # Matting needs both known regions; without one the key decides alone.
        alpha = np.where(trimap == 0, 0.0, 1.0)
    else:
        estimate = estimate_alpha_cf if method == "cf" else estimate_alpha_knn
        alpha = np.clip(estimate(image, trimap), 0.0, 1.0)
    foreground = estimate_foreground_ml(image, alpha)
    return alpha, np.clip(foreground, 0.0, 1.0)


def _boundary(mask: np.ndarray) -> np.ndarray:
    return mask ^ ndimage.binary_erosion(mask)
