"""Small numpy helpers for pixel arrays, shared by the engine, the project and the UI."""

from __future__ import annotations

import numpy as np


def ensure_rgba(pixels: np.ndarray) -> np.ndarray:
    """Return ``pixels`` as a C-contiguous ``(H, W, 4)`` ``uint8`` RGBA array.

    Parameters
    ----------
    pixels
        ``(H, W)`` grey, ``(H, W, 1)`` grey, ``(H, W, 2)`` grey + alpha, ``(H, W, 3)`` RGB or
        ``(H, W, 4)`` RGBA, ``uint8``. Missing alpha becomes opaque.

    Raises
    ------
    ValueError
        If the array is not ``uint8`` or has another shape.
    """
    if not isinstance(pixels, np.ndarray) or pixels.dtype != np.uint8:
        raise ValueError("pixels must be a uint8 numpy array")
    if pixels.ndim == 2:
        pixels = pixels[:, :, np.newaxis]
    if pixels.ndim != 3 or pixels.shape[2] not in (1, 2, 3, 4):
        raise ValueError(f"pixels must be (H, W) or (H, W, 1-4), not {pixels.shape}")
    channels = pixels.shape[2]
    if channels == 4:
        return np.ascontiguousarray(pixels)
    colour = pixels[:, :, :1].repeat(3, axis=2) if channels in (1, 2) else pixels
    if channels == 2:
        alpha = pixels[:, :, 1:2]
    else:
        alpha = np.full((*pixels.shape[:2], 1), 255, dtype=np.uint8)
    return np.concatenate([colour, alpha], axis=2)


def is_blank(pixels: np.ndarray, *, tolerance: int = 2) -> bool:
    """Whether an image shows nothing: one flat colour, or fully transparent.

    A black (or any single-colour) frame is what a NaN or overflowed decode produces
    (RELIABILITY 12); the engine checks results with this before they reach history.

    Parameters
    ----------
    pixels
        ``(H, W, 3)`` or ``(H, W, 4)`` ``uint8`` array (grey is accepted too).
    tolerance
        Largest spread (max - min, per channel) still counted as flat, for dithered noise.
    """
    colour = _visible_colours(pixels)
    if colour.size == 0:
        return True
    spread = colour.max(axis=0).astype(np.int16) - colour.min(axis=0)
    return bool(spread.max() <= tolerance)


def _visible_colours(pixels: np.ndarray) -> np.ndarray:
    """``(N, 3)`` colours of the pixels with alpha > 0, without copying opaque images."""
    if pixels.ndim == 3 and pixels.shape[2] == 3 and pixels.dtype == np.uint8:
        return pixels.reshape(-1, 3)
    rgba = ensure_rgba(pixels)
    alpha = rgba[:, :, 3]
    if alpha.min() > 0:
        return rgba[:, :, :3].reshape(-1, 3)
    return rgba[alpha > 0][:, :3]


def upscale_nearest(pixels: np.ndarray, factor: int) -> np.ndarray:
    """Enlarge an ``(H, W, C)`` array by a whole factor with hard pixel edges (sprites, pixel art).

    The one nearest-neighbour helper: the built-in models, image export and sprite sheets use it.
    """
    if factor < 1:
        raise ValueError(f"scale factor must be at least 1, not {factor}")
    if factor == 1:
        return pixels
    return np.ascontiguousarray(pixels.repeat(factor, axis=0).repeat(factor, axis=1))
