"""Make any image tile: offset it by half, hide the seam cross, offset it back.

After rolling the image by half its size the old wrap edges meet in a cross through the
middle, and the new borders are pixels that were neighbours, so the border already wraps.
The cross is first covered by a feathered blend with the un-rolled image (whose middle is
seam-free: the classic texture-artist trick), then, when a model is given, inpainted with
the same feathered mask so the blend's ghosting becomes real detail. Rolling back puts the
repaired cross on the wrap edges and the framing where the artist left it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from studio.imaging.masks import composite, feather

# (rolled image, mask) -> repainted image of the same shape
Inpainter = Callable[[np.ndarray, np.ndarray], np.ndarray]


def seam_cross_mask(
    height: int, width: int, band: int, tile_x: bool = True, tile_y: bool = True
) -> np.ndarray:
    """Feathered mask over a cross ``band`` pixels wide through the middle of an image.

    The middle half of the band stays exactly 1 (the old seam must be fully replaced); the
    feather fades out over about half a band on each side.
    """
    core = np.zeros((height, width), dtype=np.float32)
    inner = np.zeros_like(core)
    half, quarter = band // 2, max(band // 4, 1)
    if tile_x:
        core[:, width // 2 - half : width // 2 + half] = 1.0
        inner[:, width // 2 - quarter : width // 2 + quarter] = 1.0
    if tile_y:
        core[height // 2 - half : height // 2 + half, :] = 1.0
        inner[height // 2 - quarter : height // 2 + quarter, :] = 1.0
    return np.clip(np.maximum(feather(core, band / 6), inner), 0.0, 1.0)


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
    shift = (height // 2 if tile_y else 0, width // 2 if tile_x else 0)
    rolled = np.roll(pixels, shift, axis=(0, 1))
    mask = seam_cross_mask(height, width, band, tile_x, tile_y)
    # The original's middle is continuous; under the cross it replaces the rolled seam.
    blended = composite(rolled, pixels, mask)
    if inpaint is not None:
        blended = composite(blended, inpaint(blended, mask), mask)
    return np.ascontiguousarray(np.roll(blended, (-shift[0], -shift[1]), axis=(0, 1)))
