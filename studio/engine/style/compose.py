"""Put a stylised image back over its source: colours, strength, mask, alpha. Numpy only.

Everything here works on ``(H, W, 3)`` float32 images in ``[0, 1]`` at the source's size, after
the network has run, so a mask or a strength change never needs the network again.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

# ITU-R BT.601 full-range RGB <-> YCbCr, the same transform JPEG and Pillow use.
RGB_TO_YCBCR = np.array(
    [
        [0.299, 0.587, 0.114],
        [-0.168736, -0.331264, 0.5],
        [0.5, -0.418688, -0.081312],
    ],
    dtype=np.float32,
)
YCBCR_TO_RGB = np.linalg.inv(RGB_TO_YCBCR).astype(np.float32)


def to_float(pixels: np.ndarray) -> np.ndarray:
    """``uint8`` RGB to float32 in ``[0, 1]``."""
    return pixels.astype(np.float32) / 255.0


def to_uint8(image: np.ndarray) -> np.ndarray:
    """Float in ``[0, 1]`` to ``uint8``, rounding to nearest."""
    return np.rint(np.clip(image, 0.0, 1.0) * 255.0).astype(np.uint8)


def resize(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Lanczos-resize a float image channel by channel in float (no 8-bit round trip)."""
    if image.shape[1] == width and image.shape[0] == height:
        return image
    channels = [
        np.asarray(
            Image.fromarray(np.ascontiguousarray(image[..., c])).resize(
                (width, height), Image.Resampling.LANCZOS
            )
        )
        for c in range(image.shape[2])
    ]
    return np.stack(channels, axis=-1).astype(np.float32)


def keep_source_colors(stylized: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Luminance of ``stylized`` with the chroma (Cb, Cr) of ``source``."""
    luma = stylized @ RGB_TO_YCBCR[0]
    chroma = source @ RGB_TO_YCBCR[1:].T
    ycbcr = np.concatenate([luma[..., None], chroma], axis=-1)
    return np.clip(ycbcr @ YCBCR_TO_RGB.T, 0.0, 1.0).astype(np.float32)


def apply_amount(
    source: np.ndarray, stylized: np.ndarray, strength: float, mask: np.ndarray | None
) -> np.ndarray:
    """``source + amount * (stylized - source)`` with ``amount = strength * mask``, as uint8.

    Pixels whose amount is exactly zero are copied from the source bit for bit, so strength 0
    and the black part of a mask leave the image untouched.

    Parameters
    ----------
    source
        ``(H, W, 3)`` ``uint8`` original.
    stylized
        ``(H, W, 3)`` float result of the network, same size.
    mask
        ``(H, W)`` float in ``[0, 1]`` (1 applies the style) or ``None`` for everywhere.
    """
    amount = np.float32(strength) if mask is None else (np.float32(strength) * mask)[..., None]
    base = to_float(source)
    blended = to_uint8(base + amount * (stylized - base))
    untouched = amount == 0 if mask is not None else np.bool_(strength == 0)
    return np.where(untouched, source, blended)


def mask_from_pixels(mask: np.ndarray, width: int, height: int) -> np.ndarray:
    """An 8-bit mask as float ``(height, width)`` in ``[0, 1]``, resized if it was painted at
    another scale of the same picture.

    Raises
    ------
    ValueError
        If the mask's aspect ratio differs from the image's (it belongs to another picture).
    """
    mask_h, mask_w = mask.shape[:2]
    if (mask_w, mask_h) != (width, height):
        if abs(mask_w / mask_h - width / height) > 0.01 * (width / height):
            raise ValueError(f"mask is {mask_w}x{mask_h} but the image is {width}x{height}")
        mask = np.asarray(Image.fromarray(mask).resize((width, height), Image.Resampling.BILINEAR))
    return mask.astype(np.float32) / 255.0
