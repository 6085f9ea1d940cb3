"""History thumbnails: small PNGs that keep alpha and keep pixel art crisp."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from studio.imaging.pixels import ensure_rgba
from studio.imaging.png import encode_png

# Below this size a thumbnail is too small to see; tiny images (16-64 px sprites) are enlarged.
MIN_THUMBNAIL_SIDE = 128


def make_thumbnail(pixels: np.ndarray, max_side: int = 256) -> bytes:
    """Encode a thumbnail of an image as PNG.

    Parameters
    ----------
    pixels
        ``(H, W, 3)`` or ``(H, W, 4)`` ``uint8`` array (grey accepted).
    max_side
        Longest side of the thumbnail in pixels.

    Returns
    -------
    bytes
        PNG, RGBA when the image has transparency, RGB otherwise. Images larger than
        ``max_side`` are scaled down with Lanczos (alpha premultiplied, so no dark fringes);
        images smaller than 128 px are scaled up by a whole factor with nearest neighbour, so
        pixel art stays crisp; sizes in between are kept as they are.
    """
    if max_side < 1:
        raise ValueError(f"max_side must be positive, not {max_side}")
    rgba = ensure_rgba(pixels)
    opaque = bool(rgba[:, :, 3].min() == 255)
    image = Image.fromarray(rgba)
    height, width = rgba.shape[:2]
    longest = max(width, height)
    if longest > max_side:
        scale = max_side / longest
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    elif longest < min(MIN_THUMBNAIL_SIDE, max_side):
        factor = max(1, min(math.ceil(MIN_THUMBNAIL_SIDE / longest), max_side // longest))
        image = image.resize((width * factor, height * factor), Image.Resampling.NEAREST)
    result = np.asarray(image)
    return encode_png(result[:, :, :3] if opaque else result, compress_level=6)
