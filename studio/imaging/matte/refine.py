"""Soft alpha from a key colour: a trimap, then pymatting's closed-form (or KNN) matting.

Pixels far from the key are surely foreground, pixels at the key surely background; a band
a few pixels wide around the boundary is left unknown and solved by pymatting, which also
estimates the true foreground colour there (the key's tint removed).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from studio.domain.errors import InvalidRequestError
from studio.imaging.matte.solver_env import load_pymatting, quiet_solver

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
    pymatting = load_pymatting()

    image = rgb.astype(np.float64) / 255.0
    with quiet_solver():
        try:
            if not (trimap == 0.5).any():
                alpha = trimap.copy()
            elif not (trimap == 0).any() or not (trimap == 1).any():
                # Matting needs both known regions; without one the key decides alone.
                alpha = np.where(trimap == 0, 0.0, 1.0)
            else:
                estimate = (
                    pymatting.estimate_alpha_cf if method == "cf" else pymatting.estimate_alpha_knn
                )
                alpha = np.clip(estimate(image, trimap), 0.0, 1.0)
            foreground = pymatting.estimate_foreground_ml(image, alpha)
        except ValueError as error:
            # pymatting's solvers raise ValueError when they do not converge (conjugate
            # gradients, incomplete Cholesky); that is the image, not a bug.
            other = "knn" if method == "cf" else "cf"
            raise InvalidRequestError(
                f"The {method!r} matting solver gave up on this image ({error}); "
                f"try the {other!r} method."
            ) from None
    return alpha, np.clip(foreground, 0.0, 1.0)


def _boundary(mask: np.ndarray) -> np.ndarray:
    return mask ^ ndimage.binary_erosion(mask)
