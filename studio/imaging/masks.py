"""Inpaint masks as float arrays: reading, feathering, the crop around them, compositing.

A mask is ``(H, W)`` ``float32`` in [0, 1]: 1 repaints, 0 keeps, values between blend. The
final composite uses the feathered mask, so wherever it is exactly 0 the result is the
original image pixel for pixel, whatever the model did there.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

from studio.domain.errors import InvalidRequestError
from studio.imaging.pixels import ensure_rgba


def mask_from_pixels(pixels: np.ndarray) -> np.ndarray:
    """A mask from an image: its luminance, times its alpha when it has one.

    White (or opaque paint on a transparent layer) repaints; black or transparent keeps.
    """
    rgba = ensure_rgba(np.asarray(pixels, dtype=np.uint8)).astype(np.float32) / 255.0
    grey = rgba[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    return np.clip(grey * rgba[..., 3], 0.0, 1.0).astype(np.float32)


def mask_to_pixels(mask: np.ndarray) -> np.ndarray:
    """``(H, W)`` ``uint8`` grey image of a mask (what the request and files carry)."""
    return np.ascontiguousarray((np.clip(mask, 0.0, 1.0) * 255.0).round().astype(np.uint8))


def feather(mask: np.ndarray, radius: float) -> np.ndarray:
    """Gaussian-blur a mask by ``radius`` pixels; the blur never reaches beyond ``3 * radius``.

    Values the blur leaves below 1/255 become exactly 0, so the composite keeps those pixels.
    """
    if radius <= 0:
        return mask.astype(np.float32)
    image = Image.fromarray(mask_to_pixels(mask), mode="L")
    blurred = np.asarray(image.filter(ImageFilter.GaussianBlur(radius)), dtype=np.float32) / 255.0
    return blurred


def resize_mask(mask: np.ndarray, width: int, height: int) -> np.ndarray:
    """A mask resized with bilinear filtering (soft edges stay soft)."""
    if mask.shape == (height, width):
        return mask
    image = Image.fromarray(mask.astype(np.float32), mode="F")
    return np.asarray(image.resize((width, height), Image.Resampling.BILINEAR), dtype=np.float32)


def check_mask(mask: np.ndarray, width: int, height: int) -> None:
    """Raise :class:`InvalidRequestError` when the mask is empty or another size than the image."""
    if mask.shape != (height, width):
        raise InvalidRequestError(
            f"The mask is {mask.shape[1]}x{mask.shape[0]} but the image is {width}x{height}: "
            "paint the mask on the same image."
        )
    if not (mask > 0).any():
        raise InvalidRequestError("The mask is empty: paint the area to repaint in white.")


def check_mask_file(
    mask: np.ndarray, image_size: tuple[int, int], mask_name: str, image_name: str
) -> None:
    """:func:`check_mask` for files a user named, said before any model is loaded.

    Parameters
    ----------
    mask
        The mask read from ``mask_name`` (:func:`mask_from_pixels`).
    image_size
        ``(width, height)`` of the image it is meant for.
    mask_name, image_name
        The two files, as the user gave them.

    Raises
    ------
    InvalidRequestError
        One line naming both files and their sizes, or saying the mask is empty.
    """
    width, height = image_size
    if mask.shape != (height, width):
        raise InvalidRequestError(
            f"The mask {mask_name} is {mask.shape[1]}x{mask.shape[0]} but the image "
            f"{image_name} is {width}x{height}: paint the mask on that image, or resize it "
            f"to {width}x{height}."
        )
    if not (mask > 0).any():
        raise InvalidRequestError(
            f"The mask {mask_name} is empty (all black): paint the area to repaint in white."
        )


def composite(original: np.ndarray, generated: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``original`` where ``mask`` is 0, ``generated`` where it is 1, blended between.

    Both images are ``(H, W, C)`` ``uint8`` of one size; the result is ``uint8`` and equals
    ``original`` exactly wherever ``mask == 0``.
    """
    if original.shape != generated.shape:
        raise ValueError(f"composite of {original.shape} and {generated.shape}")
    weight = mask.astype(np.float32)[..., None]
    mixed = original.astype(np.float32) * (1.0 - weight) + generated.astype(np.float32) * weight
    out = np.clip(mixed.round(), 0, 255).astype(np.uint8)
    keep = mask <= 0
    out[keep] = original[keep]
    return out


def mask_crop_box(
    mask: np.ndarray, padding: int, aspect: float, multiple: int = 8
) -> tuple[int, int, int, int]:
    """``(left, top, right, bottom)`` around the painted part of ``mask``, grown by ``padding``.

    The box is widened (or heightened) to ``aspect`` (width / height of the size it will be
    generated at) and clipped to the image, as diffusers' ``padding_mask_crop`` does, so the
    crop is not distorted when it is resized.
    """
    height, width = mask.shape
    rows, cols = np.nonzero(mask > 0)
    if rows.size == 0:
        return 0, 0, width, height
    left, right = max(cols.min() - padding, 0), min(cols.max() + 1 + padding, width)
    top, bottom = max(rows.min() - padding, 0), min(rows.max() + 1 + padding, height)
    box_w, box_h = right - left, bottom - top
    if box_w / box_h < aspect:
        box_w = min(width, round(box_h * aspect))
    else:
        box_h = min(height, round(box_w / aspect))
    left, right = _fit(left, right, box_w, width)
    top, bottom = _fit(top, bottom, box_h, height)
    return int(left), int(top), int(right), int(bottom)


def _fit(start: int, end: int, length: int, limit: int) -> tuple[int, int]:
    """Grow ``[start, end)`` around its centre to ``length``, kept inside ``[0, limit)``."""
    centre = (start + end) / 2
    start = round(centre - length / 2)
    start = min(max(start, 0), limit - length)
    return start, start + length


def encode_mask_png(mask: np.ndarray) -> bytes:
    """PNG bytes of a mask as a grey RGB image (what requests carry and files store)."""
    from studio.imaging.png import encode_png

    grey = mask_to_pixels(mask)
    return encode_png(np.ascontiguousarray(np.repeat(grey[..., None], 3, axis=2)))
