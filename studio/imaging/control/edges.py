"""Edge maps of an image for the canny and soft-edge ControlNets: white lines on black.

Canny is scikit-image's (Gaussian smoothing, non-maximum suppression, hysteresis), the detector
A1111's ``canny`` module runs; soft edges are the smoothed gradient magnitude, a weight-free
stand-in for HED/PiDiNet that keeps edge strength as grey levels the way those maps do.
"""

from __future__ import annotations

import numpy as np

# A1111's canny defaults, 100 and 200 on 0..255 grey levels, as fractions.
CANNY_LOW = 100 / 255
CANNY_HIGH = 200 / 255


def grey(pixels: np.ndarray) -> np.ndarray:
    """Luminance (ITU-R 601, as PIL's ``L``) of ``(H, W, 3|4)`` ``uint8`` pixels, ``0..1``.

    Transparent pixels count as black, so a sprite's outline is an edge.
    """
    rgb = pixels[:, :, :3].astype(np.float32) / 255.0
    luma = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    if pixels.shape[2] == 4:
        luma = luma * (pixels[:, :, 3].astype(np.float32) / 255.0)
    return luma


def canny_edges(
    pixels: np.ndarray, low: float = CANNY_LOW, high: float = CANNY_HIGH, sigma: float = 1.0
) -> np.ndarray:
    """Canny edges of ``pixels`` as ``(H, W, 3)`` ``uint8``: 255 on an edge, 0 elsewhere.

    Parameters
    ----------
    pixels
        ``(H, W, 3|4)`` ``uint8``.
    low, high
        Hysteresis thresholds on the gradient of grey levels in ``0..1``.
    sigma
        Gaussian smoothing before the gradient, in pixels.
    """
    from skimage.feature import canny

    # skimage's thresholds are on its Sobel magnitude, which for a 0..1 step edge peaks
    # near 1/4 of cv2's unnormalised one; scale so A1111's numbers mean what they did.
    edges = canny(grey(pixels), sigma=sigma, low_threshold=low / 4, high_threshold=high / 4)
    return _white_on_black(edges.astype(np.float32))


def soft_edges(pixels: np.ndarray, sigma: float = 1.5) -> np.ndarray:
    """Soft edges: the smoothed gradient magnitude, brightest on the strongest edge."""
    from scipy.ndimage import gaussian_gradient_magnitude

    magnitude = gaussian_gradient_magnitude(grey(pixels), sigma=sigma)
    peak = float(magnitude.max())
    if peak <= 1e-6:
        return _white_on_black(np.zeros_like(magnitude))
    # A square root lifts faint edges the way HED's soft maps show them.
    return _white_on_black(np.sqrt(magnitude / peak))


def _white_on_black(strength: np.ndarray) -> np.ndarray:
    level = np.clip(np.rint(strength * 255.0), 0, 255).astype(np.uint8)
    return np.repeat(level[:, :, None], 3, axis=2)
