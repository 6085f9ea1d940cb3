"""Model space to pixels, in numpy: the conventions of :mod:`studio.engine.builtin.pixels`.

Inside a model an image is premultiplied RGBA scaled to [-1, 1]; outside it is straight RGBA
``uint8`` with RGB zeroed where alpha is 0. The torch runtime converts through these too, so
both runtimes round the same way.
"""

from __future__ import annotations

import numpy as np

# Alpha below this (about 3/255) is snapped to fully transparent: a generator's background
# hovers near zero, and an icon with a faint haze instead of real transparency is useless to
# an artist.
ALPHA_FLOOR = 0.012
CHECKER_LIGHT, CHECKER_DARK = 0.80, 0.60


def straight_to_model(images: np.ndarray) -> np.ndarray:
    """Straight RGBA ``uint8`` ``(N, S, S, 4)`` -> premultiplied model space ``(N, 4, S, S)``.

    The inverse of :func:`rgba_uint8` up to rounding, and the numpy twin of
    :func:`studio.engine.builtin.pixels.straight_uint8_to_model`.
    """
    x = np.asarray(images, dtype=np.float32).transpose(0, 3, 1, 2) / np.float32(255.0)
    premult = np.concatenate([x[:, :3] * x[:, 3:], x[:, 3:]], axis=1)
    return premult * np.float32(2.0) - np.float32(1.0)


def straight_to_premultiplied(rgba: np.ndarray) -> np.ndarray:
    """Straight RGBA ``uint8`` ``(..., 4)`` -> premultiplied float32 RGBA in [0, 1], same layout."""
    x = np.asarray(rgba, dtype=np.float32) / np.float32(255.0)
    return np.concatenate([x[..., :3] * x[..., 3:], x[..., 3:]], axis=-1)


def premultiplied(x: np.ndarray) -> np.ndarray:
    """``(N, 4, S, S)`` model output -> premultiplied RGBA in [0, 1], RGB <= alpha, clean floor."""
    x = np.clip((x.astype(np.float32) + 1.0) / 2.0, 0.0, 1.0)
    alpha = x[:, 3:]
    alpha = np.where(alpha < ALPHA_FLOOR, np.float32(0.0), alpha)
    return np.concatenate([np.minimum(x[:, :3], alpha), alpha], axis=1)


def rgba_uint8(x: np.ndarray, crisp: bool = False) -> np.ndarray:
    """``(N, 4, S, S)`` model output -> straight RGBA ``uint8`` ``(N, S, S, 4)``.

    RGB is un-premultiplied where alpha > 0. With ``crisp``, alpha is then snapped to 0 or 1 at
    one half (the "alpha: crisp" option).
    """
    premult = premultiplied(x)
    rgb, alpha = premult[:, :3], premult[:, 3:]
    with np.errstate(divide="ignore", invalid="ignore"):
        straight = np.where(alpha > 0, rgb / np.maximum(alpha, np.float32(1e-6)), np.float32(0.0))
    if crisp:
        alpha = (alpha >= 0.5).astype(np.float32)
    rgba = np.concatenate([np.clip(straight, 0.0, 1.0), alpha], axis=1)
    out = np.round(rgba * np.float32(255.0)).astype(np.uint8).transpose(0, 2, 3, 1)
    out = np.ascontiguousarray(out)
    out[..., :3][out[..., 3] == 0] = 0
    return out


def crisp_alpha(rgba: np.ndarray) -> np.ndarray:
    """Straight RGBA ``uint8`` with alpha snapped to 0 or 255 at one half, RGB zeroed under 0.

    The same cut :func:`rgba_uint8` makes with ``crisp``, for a sprite already in ``uint8``.
    """
    out = np.array(rgba, dtype=np.uint8, copy=True)
    opaque = out[..., 3] >= 128
    out[..., 3] = np.where(opaque, 255, 0)
    out[..., :3][~opaque] = 0
    return out


def checkerboard(size: int, cell: int | None = None) -> np.ndarray:
    """``(size, size)`` grey levels of a checkerboard that shows where an image is transparent."""
    cell = cell or max(2, size // 8)
    idx = np.arange(size) // cell
    board = ((idx[:, None] + idx[None, :]) % 2).astype(np.float32)
    return np.float32(CHECKER_LIGHT) - np.float32(CHECKER_LIGHT - CHECKER_DARK) * board


def preview_rgb(x: np.ndarray) -> np.ndarray:
    """First image of a model-space batch on a checkerboard, ``(S, S, 3)`` ``uint8``."""
    premult = premultiplied(x[:1])[0]
    rgb, alpha = premult[:3], premult[3:]
    composite = rgb + (1.0 - alpha) * checkerboard(premult.shape[-1])[None]
    out = np.round(np.clip(composite, 0.0, 1.0) * np.float32(255.0)).astype(np.uint8)
    return np.ascontiguousarray(out.transpose(1, 2, 0))
