"""Spherical interpolation of two noise arrays, in float64 numpy (shared by both runtimes)."""

from __future__ import annotations

import numpy as np


def slerp(t: float, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """From ``low`` (``t = 0``) to ``high`` (``t = 1``), exact at both ends, in ``low``'s dtype.

    Gaussian noise in many dimensions lives near a sphere; a straight line between two samples
    passes inside it (the blend would be too quiet and blurry), the great circle stays on it.
    """
    if t <= 0.0:
        return low
    if t >= 1.0:
        return high
    a, b = low.astype(np.float64), high.astype(np.float64)
    cos = float(
        np.clip(np.dot(a.ravel() / np.linalg.norm(a), b.ravel() / np.linalg.norm(b)), -1, 1)
    )
    omega = np.arccos(cos)
    if abs(np.sin(omega)) < 1e-6:  # (anti)parallel: fall back to a straight blend
        mixed = (1.0 - t) * a + t * b
    else:
        mixed = (np.sin((1.0 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)
    return mixed.astype(low.dtype)
