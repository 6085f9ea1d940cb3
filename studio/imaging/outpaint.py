"""Growing a canvas for outpainting: the new area's first content and the mask to inpaint.

The new strips start as something the model can build on (the edge pixels stretched out, a
blur of them, or noise) and the mask covers them plus a few pixels of the old canvas, so the
model also repaints the join instead of leaving a visible line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

from studio.domain.editing import OUTPAINT_OVERLAP, check_margins, check_outpaint_fill
from studio.domain.errors import InvalidRequestError

# Aspect presets offered by the outpaint dialog (what sprite sheets and screens use).
ASPECT_PRESETS = {"1:1": (1, 1), "4:3": (4, 3), "3:2": (3, 2), "16:9": (16, 9), "9:16": (9, 16)}
# The largest side a grown canvas may have: twice SDXL's native size. Each margin is capped on
# its own (MAX_OUTPAINT), but two of them around a large image would still make a canvas no
# model can fill in reasonable time or memory.
MAX_GROWN_SIDE = 2048


@dataclass(frozen=True, eq=False)
class GrownCanvas:
    """A canvas grown for outpainting.

    Parameters
    ----------
    pixels
        ``(H', W', C)`` ``uint8``: the old canvas placed at ``(left, top)``, new area filled.
    mask
        ``(H', W')`` float mask: 1 over the new area and the overlap, 0 over the rest.
    margins
        ``(left, top, right, bottom)`` pixels added.
    """

    pixels: np.ndarray
    mask: np.ndarray
    margins: tuple[int, int, int, int]


def grown_size(width: int, height: int, margins: tuple[int, int, int, int]) -> tuple[int, int]:
    """``(width, height)`` of a ``width`` x ``height`` canvas grown by ``margins``, if allowed.

    Raises
    ------
    InvalidRequestError
        If the margins are out of range or the grown canvas would exceed
        :data:`MAX_GROWN_SIDE` on a side; said from the sizes alone, before any pixel is made.
    """
    check_margins(tuple(margins))
    left, top, right, bottom = margins
    grown = (width + left + right, height + top + bottom)
    if max(grown) > MAX_GROWN_SIDE:
        raise InvalidRequestError(
            f"Outpaint {left},{top},{right},{bottom} would grow the {width}x{height} image to "
            f"{grown[0]}x{grown[1]}; a grown canvas is at most {MAX_GROWN_SIDE} pixels a side: "
            "use smaller margins."
        )
    return grown


def grow_canvas(
    pixels: np.ndarray,
    margins: tuple[int, int, int, int],
    fill: str = "edge",
    overlap: int | None = None,
    seed: int = 0,
) -> GrownCanvas:
    """Add ``margins`` pixels around ``pixels`` and build the outpaint mask.

    Parameters
    ----------
    pixels
        ``(H, W, C)`` ``uint8`` image.
    margins
        ``(left, top, right, bottom)``.
    fill
        ``"edge"`` repeats the border pixels outward, ``"blur"`` is that blurred heavily,
        ``"noise"`` is random colour around the image's mean (``seed`` fixes it).
    overlap
        Pixels of the old canvas next to each grown side that the mask also covers; by
        default 16, or an eighth of the shorter side for small sprites.
    """
    height, width = pixels.shape[:2]
    grown_size(width, height, margins)
    check_outpaint_fill(fill)
    left, top, right, bottom = margins
    pad = ((top, bottom), (left, right), (0, 0))
    grown = np.pad(pixels, pad, mode="edge")
    new_area = np.ones(grown.shape[:2], dtype=bool)
    if overlap is None:
        overlap = min(OUTPAINT_OVERLAP, max(2, min(height, width) // 8))
    new_area[top : top + height, left : left + width] = False
    if fill == "blur":
        radius = max(4, max(margins) // 4)
        blurred = np.asarray(Image.fromarray(grown).filter(ImageFilter.GaussianBlur(radius)))
        grown = np.where(new_area[..., None], blurred, grown)
    elif fill == "noise":
        rng = np.random.default_rng(seed)
        mean = pixels.reshape(-1, pixels.shape[2]).mean(axis=0)
        noise = np.clip(rng.normal(mean, 48.0, size=grown.shape), 0, 255).astype(np.uint8)
        if grown.shape[2] == 4:
            noise[..., 3] = 255
        grown = np.where(new_area[..., None], noise, grown)
    mask = np.zeros(grown.shape[:2], dtype=np.float32)
    mask[new_area] = 1.0
    sides = (
        (left, np.s_[top : top + height, left : left + overlap]),
        (top, np.s_[top : top + overlap, left : left + width]),
        (right, np.s_[top : top + height, left + width - overlap : left + width]),
        (bottom, np.s_[top + height - overlap : top + height, left : left + width]),
    )
    for grown_by, region in sides:
        if grown_by:
            mask[region] = 1.0
    return GrownCanvas(np.ascontiguousarray(grown), mask, (left, top, right, bottom))


def margins_for_aspect(
    width: int, height: int, aspect: tuple[int, int], multiple: int = 8
) -> tuple[int, int, int, int]:
    """Margins that grow a ``width`` x ``height`` canvas to ``aspect``, split evenly.

    The canvas only grows (never crops) and both sides end on a multiple of ``multiple``.
    """
    aw, ah = aspect
    target_w, target_h = width, height
    if width * ah < height * aw:
        target_w = -(-height * aw // ah)
    else:
        target_h = -(-width * ah // aw)
    target_w += -target_w % multiple
    target_h += -target_h % multiple
    extra_w, extra_h = target_w - width, target_h - height
    return extra_w // 2, extra_h // 2, extra_w - extra_w // 2, extra_h - extra_h // 2
