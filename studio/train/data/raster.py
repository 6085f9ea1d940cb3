"""Turning any icon raster into the dataset's square, centred, straight-RGBA images.

Resampling happens on premultiplied alpha: averaging straight RGB would pull the (arbitrary)
colour of transparent pixels into the edge and leave dark or coloured fringes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image

from studio.imaging.pixels import upscale_nearest

MARGIN = 1 / 16  # of the side, on each side: 4 px at 64, 2 px at 32


def alpha_bbox(rgba: np.ndarray) -> tuple[int, int, int, int] | None:
    """``(top, left, bottom, right)`` of the pixels with alpha > 0, or ``None`` if none."""
    rows = np.flatnonzero(rgba[..., 3].any(axis=1))
    cols = np.flatnonzero(rgba[..., 3].any(axis=0))
    if rows.size == 0:
        return None
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def premultiply(rgba: np.ndarray) -> np.ndarray:
    """uint8 straight RGBA -> float32 premultiplied RGBA in [0, 1]."""
    out = rgba.astype(np.float32) / 255.0
    out[..., :3] *= out[..., 3:4]
    return out


def unpremultiply(premul: np.ndarray) -> np.ndarray:
    """float32 premultiplied RGBA in [0, 1] -> uint8 straight RGBA, RGB zeroed where alpha is 0."""
    premul = np.clip(premul, 0.0, 1.0)
    alpha8 = np.rint(premul[..., 3] * 255.0).astype(np.uint8)
    safe_alpha = np.where(premul[..., 3] > 0, premul[..., 3], 1.0)[..., None]
    rgb = np.clip(premul[..., :3] / safe_alpha, 0.0, 1.0)
    rgb8 = np.rint(rgb * 255.0).astype(np.uint8)
    rgb8[alpha8 == 0] = 0
    return np.concatenate([rgb8, alpha8[..., None]], axis=-1)


def resample_premultiplied(premul: np.ndarray, size: int) -> np.ndarray:
    """Resize a square premultiplied float image to ``size`` pixels.

    Shrinking averages the covered area (a box filter with fractional weights); growing, which
    only happens for sources smaller than the target, uses bicubic interpolation.
    """
    if premul.shape[0] == size:
        return premul
    method = Image.Resampling.BOX if premul.shape[0] > size else Image.Resampling.BICUBIC
    channels = [
        np.asarray(Image.fromarray(premul[..., c], mode="F").resize((size, size), method))
        for c in range(4)
    ]
    return np.stack(channels, axis=-1)


def centre_on_square(rgba: np.ndarray, margin: float = MARGIN) -> np.ndarray | None:
    """Crop to the visible pixels and centre them on a transparent square, aspect kept.

    The square is large enough that the icon's longer side leaves ``margin`` of the side free
    on both ends. Returns ``None`` for a fully transparent image.
    """
    box = alpha_bbox(rgba)
    if box is None:
        return None
    top, left, bottom, right = box
    content = rgba[top:bottom, left:right]
    height, width = content.shape[:2]
    side = int(np.ceil(max(height, width) / (1.0 - 2.0 * margin)))
    canvas = np.zeros((side, side, 4), dtype=np.uint8)
    y0, x0 = (side - height) // 2, (side - width) // 2
    canvas[y0 : y0 + height, x0 : x0 + width] = content
    return canvas


def icon_to_sizes(
    rgba: np.ndarray, sizes: Sequence[int], margin: float = MARGIN
) -> dict[int, np.ndarray] | None:
    """Centre an icon raster and area-average it to each of ``sizes``.

    Parameters
    ----------
    rgba
        ``(H, W, 4)`` uint8 straight RGBA, ideally several times larger than the sizes.
    sizes
        Target square sides in pixels; each comes from the full-resolution raster directly.

    Returns
    -------
    dict or None
        ``{size: (size, size, 4) uint8}``, or ``None`` when the icon has no visible pixel.
    """
    square = centre_on_square(rgba, margin)
    if square is None:
        return None
    premul = premultiply(square)
    return {size: unpremultiply(resample_premultiplied(premul, size)) for size in sizes}


def pixel_grid_to_sizes(
    rgba: np.ndarray, sizes: Sequence[int], margin: float = MARGIN
) -> dict[int, np.ndarray] | None:
    """Scale pixel art drawn on a small grid by a whole factor, so its pixels stay crisp.

    The whole grid (not just the visible part) is kept, so every icon of a set shares one
    pixel scale; it is centred with at least ``margin`` free on each side.
    """
    if not rgba[..., 3].any():
        return None
    grid = max(rgba.shape[:2])
    out = {}
    for size in sizes:
        factor = max(1, int(size * (1.0 - 2.0 * margin)) // grid)
        scaled = upscale_nearest(rgba, factor)
        if scaled.shape[0] > size or scaled.shape[1] > size:
            fitted = icon_to_sizes(rgba, [size], margin)
            out[size] = fitted[size] if fitted else np.zeros((size, size, 4), np.uint8)
            continue
        canvas = np.zeros((size, size, 4), dtype=np.uint8)
        y0, x0 = (size - scaled.shape[0]) // 2, (size - scaled.shape[1]) // 2
        canvas[y0 : y0 + scaled.shape[0], x0 : x0 + scaled.shape[1]] = scaled
        canvas[canvas[..., 3] == 0] = 0
        out[size] = canvas
    return out
