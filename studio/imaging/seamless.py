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
from dataclasses import dataclass

import numpy as np

from studio.domain.errors import InvalidRequestError
from studio.imaging.masks import composite, feather
from studio.imaging.output_size import check_input_size
from studio.imaging.seams import seam_score

# (rolled image, mask) -> repainted image of the same shape
Inpainter = Callable[[np.ndarray, np.ndarray], np.ndarray]

# Below this a side has no interior to compare the wrap edge with (seams.py needs 3 columns)
# and no room for a band with a feather on both sides.
MIN_SIDE = 8
MIN_BAND = 2
# 4096 x 4096: the blend holds a few float copies of the image; beyond this it needs gigabytes.
MAX_PIXELS = 4096 * 4096
# A seam score up to this is indistinguishable from an ordinary column boundary (seams.py), so
# a model's repaint that stays below it is kept even when the plain blend scored lower.
SEAMLESS_SCORE = 1.25


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


def default_band(height: int, width: int, tile_x: bool = True, tile_y: bool = True) -> int:
    """Band width used when none is asked for: an eighth of the shorter side, at least 8.

    Never more than :func:`band_limits` allows, so a small image still gets a valid band.
    """
    low, high = band_limits(height, width, tile_x, tile_y)
    return max(low, min(max(8, min(height, width) // 8), high))


def band_limits(
    height: int, width: int, tile_x: bool = True, tile_y: bool = True
) -> tuple[int, int]:
    """The smallest and largest band for an image: 2 to half the shorter repaired side.

    A band wider than half the side would reach past the wrap edge it is meant to repair.
    """
    sides = [side for side, wanted in ((width, tile_x), (height, tile_y)) if wanted]
    return MIN_BAND, max(MIN_BAND, min(sides or [min(height, width)]) // 2)


def check_seamless_input(
    height: int,
    width: int,
    band: int | None = None,
    tile_x: bool = True,
    tile_y: bool = True,
    *,
    name: str = "the image",
    option: str = "Band",
) -> int:
    """Check an image's size and the band before any work; return the band to use.

    Parameters
    ----------
    height, width
        The image's size.
    band
        The asked band; ``None`` or 0 is :func:`default_band`.
    name, option
        What the message calls the image (its file) and the band (``"--band"``).

    Raises
    ------
    InvalidRequestError
        One line naming the image or the option and the valid range.
    """
    if not (tile_x or tile_y):
        raise InvalidRequestError("Make seamless needs at least one axis: x, y or xy.")
    check_input_size(
        width, height, doing=f"make {name} seamless", min_side=MIN_SIDE, max_pixels=MAX_PIXELS
    )
    if not band:
        return default_band(height, width, tile_x, tile_y)
    low, high = band_limits(height, width, tile_x, tile_y)
    if not low <= band <= high:
        raise InvalidRequestError(
            f"{option} {band} is out of range for {name} ({width}x{height}): use {low} to "
            f"{high} pixels, or 0 for automatic."
        )
    return band


@dataclass(frozen=True)
class SeamRepair:
    """What :func:`repair_seams` made.

    Attributes
    ----------
    pixels
        The seamless image that should be shipped.
    model_kept
        Whether ``pixels`` holds the model's repaint (``False`` without a model, or when the
        repaint made the seam worse than the plain blend and was dropped).
    plain_score, model_score
        The worst seam score over the repaired axes of the plain blend and of the model's
        repaint (``None`` without a model).
    """

    pixels: np.ndarray
    model_kept: bool
    plain_score: float
    model_score: float | None = None

    @property
    def model_dropped(self) -> bool:
        """A model repainted the cross and its result was worse, so the plain blend is kept."""
        return self.model_score is not None and not self.model_kept


def repair_seams(
    pixels: np.ndarray,
    band: int | None = None,
    inpaint: Inpainter | None = None,
    tile_x: bool = True,
    tile_y: bool = True,
) -> SeamRepair:
    """Make ``pixels`` seamless and never return a worse seam than the plain blend's.

    A model's repaint can fail (a small or unsuitable model paints a new seam): its seam score
    is compared with the plain blend's on the repaired axes, and it is kept only when it is no
    worse, or still below :data:`SEAMLESS_SCORE`.

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

    Raises
    ------
    InvalidRequestError
        As :func:`check_seamless_input`.
    """
    height, width = pixels.shape[:2]
    band = check_seamless_input(height, width, band, tile_x, tile_y)
    dy, dx = (height // 2 if tile_y else 0), (width // 2 if tile_x else 0)
    rolled = np.roll(pixels, (dy, dx), axis=(0, 1))
    vertical, horizontal = seam_band_masks(height, width, band, tile_x, tile_y)
    # Each band is covered by the image rolled along the other axis only: its rows (or
    # columns) line up with the surroundings and its own seam falls inside the other band;
    # where the bands cross, the un-rolled image, whose middle has no seam at all.
    blended = composite(rolled, np.roll(pixels, dy, axis=0), vertical)
    blended = composite(blended, np.roll(pixels, dx, axis=1), horizontal)
    blended = composite(blended, pixels, vertical * horizontal)
    plain = _rolled_back(blended, dy, dx)
    plain_score = _worst_seam(plain, tile_x, tile_y)
    if inpaint is None:
        return SeamRepair(plain, model_kept=False, plain_score=plain_score)
    mask = np.maximum(vertical, horizontal)
    repainted = _rolled_back(composite(blended, inpaint(blended, mask), mask), dy, dx)
    model_score = _worst_seam(repainted, tile_x, tile_y)
    keep = model_score <= max(plain_score, SEAMLESS_SCORE)
    return SeamRepair(repainted if keep else plain, keep, plain_score, model_score)


def _rolled_back(pixels: np.ndarray, dy: int, dx: int) -> np.ndarray:
    return np.ascontiguousarray(np.roll(pixels, (-dy, -dx), axis=(0, 1)))


def _worst_seam(pixels: np.ndarray, tile_x: bool, tile_y: bool) -> float:
    axes = [axis for axis, wanted in (("x", tile_x), ("y", tile_y)) if wanted]
    return max(seam_score(pixels, axis) for axis in axes)
