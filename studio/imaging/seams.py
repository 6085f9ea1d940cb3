"""How visible the wrap-around seam of a texture is, and the 3x3 view that shows it.

The seam score compares the jump across the wrap edge (last column against first, last row
against first) with the ordinary jump between neighbouring columns/rows inside the image:
mean |right edge - left edge| / mean |column c+1 - column c|. A texture that tiles without a
seam scores about 1 (the wrap edge looks like any other column boundary); a hard seam scores
several times that.
"""

from __future__ import annotations

import numpy as np

# Interior differences below this (a flat colour) are raised to it, so a flat image whose
# edges match does not divide by zero and one whose edges differ still scores high.
_MIN_INTERIOR = 0.5


def seam_score(pixels: np.ndarray, axis: str) -> float:
    """Seam score of ``pixels`` across the horizontal (``"x"``) or vertical (``"y"``) wrap.

    Parameters
    ----------
    pixels
        ``(H, W)`` or ``(H, W, C)`` image, any numeric dtype; alpha is ignored.
    axis
        ``"x"``: left/right wrap (compares columns); ``"y"``: top/bottom wrap (rows).

    Returns
    -------
    float
        Wrap-edge difference divided by the mean interior neighbour difference.
    """
    image = _colour(pixels)
    if axis == "y":
        image = image.transpose(1, 0, 2)
    elif axis != "x":
        raise ValueError(f"axis must be 'x' or 'y', not {axis!r}")
    if image.shape[1] < 3:
        raise ValueError("the image is too narrow to have an interior")
    wrap = np.abs(image[:, 0] - image[:, -1]).mean()
    interior = np.abs(np.diff(image, axis=1)).mean()
    return float(wrap / max(interior, _MIN_INTERIOR))


def seam_scores(pixels: np.ndarray) -> dict[str, float]:
    """Both scores, rounded for display and recipes: ``{"x": ..., "y": ...}``."""
    return {axis: round(seam_score(pixels, axis), 3) for axis in ("x", "y")}


def tile_3x3(pixels: np.ndarray) -> np.ndarray:
    """The image repeated three times across and down (how a seam is judged by eye)."""
    return np.ascontiguousarray(np.tile(pixels, (3, 3, 1) if pixels.ndim == 3 else (3, 3)))


def _colour(pixels: np.ndarray) -> np.ndarray:
    image = np.asarray(pixels, dtype=np.float64)
    if image.ndim == 2:
        image = image[:, :, None]
    return image[:, :, :3] if image.shape[2] >= 3 else image[:, :, :1]
