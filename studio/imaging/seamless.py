"""Make any image tile: offset it by half, hide the seam cross, offset it back.

After rolling the image by half its size the old wrap edges meet in a cross through the
middle, and the new borders are pixels that were neighbours, so the border already wraps.
The cross is first covered by a feathered blend with copies of the image that have no seam
there (the classic texture-artist trick), then, when a model is given, inpainted with
the same feathered mask so the blend's ghosting becomes real detail. Rolling back puts the
repaired cross on the wrap edges and the framing where the artist left it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from studio.imaging.masks import composite, feather

# (rolled image, mask) -> repainted image of the same shape
Inpainter = Callable[[np.ndarray, np.ndarray], np.ndarray]


def seam_band_masks(
    height: int, width: int, band: int, tile_x: bool = True, tile_y: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Feathered masks of the vertical and the horizontal band through the image's middle.

    Each band is ``band`` pixels wide; its middle half stays exactly 1 (the old seam must be
    fully replaced) and the feather fades out over about half a band on each side. A band of
    an axis that is not repaired is all 0.
    """
    masks = []
    for wanted, size, axis in ((tile_x, width, 1), (tile_y, height, 0)):
        core = np.zeros((height, width), dtype=np.float32)
        inner = np.zeros_like(core)
        if wanted:
            half, quarter = band // 2, max(band // 4, 1)
            index = [slice(None), slice(None)]
            index[axis] = slice(size // 2 - half, size // 2 + half)
            core[tuple(index)] = 1.0
            index[axis] = slice(size // 2 - quarter, size // 2 + quarter)
            inner[tuple(index)] = 1.0
        masks.append(np.clip(np.maximum(feather(core, band / 6), inner), 0.0, 1.0))
    return masks[0], masks[1]


def seam_cross_mask(
    height: int, width: int, band: int, tile_x: bool = True, tile_y: bool = True
) -> np.ndarray:
    """The union of the two bands: the cross a model repaints."""
    vertical, horizontal = seam_band_masks(height, width, band, tile_x, tile_y)
    return np.maximum(vertical, horizontal)


def default_band(height: int, width: int) -> int:
    """Band width used when none is asked for: an eighth of the shorter side, at least 8."""
    return max(8, min(height, width) // 8)


def make_seamless(
    pixels: np.ndarray,
    band: int | None = None,
    inpaint: Inpainter | None = None,
    tile_x: bool = True,
    tile_y: bool = True,
) -> np.ndarray:
    """Return ``pixels`` changed near its wrap edges so that it tiles without a seam.

    Parameters
    ----------
    pixels
        ``(H, W, C)`` ``uint8``.
    band
        Width in pixels of the repaired strip (default :func:`default_band`).
    inpaint
        Optional model step: receives the rolled, blended image and the mask, returns the
        repainted image; its result is composited with the mask, so it only changes the cross.
    tile_x, tile_y
        Which wrap edges to repair.
    """
    height, width = pixels.shape[:2]
    band = band or default_band(height, width)
    dy, dx = (height // 2 if tile_y else 0), (width // 2 if tile_x else 0)
    rolled = np.roll(pixels, (dy, dx), axis=(0, 1))
    vertical, horizontal = seam_band_masks(height, width, band, tile_x, tile_y)
    # Each band is covered by the image rolled along the other axis only: its rows (or
    # columns) line up with the surroundings and its own seam falls inside the other band;
    # where the bands cross, the un-rolled image, whose middle has no seam at all.
    blended = composite(rolled, np.roll(pixels, dy, axis=0), vertical)
    blended = composite(blended, np.roll(pixels, dx, axis=1), horizontal)
    blended = composite(blended, pixels, vertical * horizontal)
    mask = np.maximum(vertical, horizontal)
    if inpaint is not None:
        blended = composite(blended, inpaint(blended, mask), mask)
    return np.ascontiguousarray(np.roll(blended, (-dy, -dx), axis=(0, 1)))
