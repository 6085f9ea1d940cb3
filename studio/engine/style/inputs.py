"""Decode a style request's images and choose the size the networks work at. No torch.

Every image goes through Studio's safe decoder (:mod:`studio.imaging.decode`): a decompression
bomb, a truncated file or a non-image becomes an :class:`~studio.domain.errors.ImageReadError`
with a message a person can act on.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

from studio.domain.errors import ImageReadError, InvalidRequestError
from studio.domain.request_limits import MAX_SIDE
from studio.engine.style.compose import mask_from_pixels
from studio.imaging.decode import load_pixels, open_header, open_image

MAX_SOURCE_PIXELS = MAX_SIDE * MAX_SIDE
MAX_STYLE_IMAGE_PIXELS = 64_000_000
MIN_WORK_SIDE = 64  # smaller pictures (sprites) are upscaled for the network, then back
STYLE_IMAGE_SIDE = 256


@dataclass(frozen=True, eq=False)
class SourceImage:
    """The picture to restyle: ``rgb`` ``(H, W, 3)`` uint8 and ``alpha`` ``(H, W)`` or ``None``."""

    rgb: np.ndarray
    alpha: np.ndarray | None

    @property
    def width(self) -> int:
        return int(self.rgb.shape[1])

    @property
    def height(self) -> int:
        return int(self.rgb.shape[0])


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode in ("P", "L", "RGB") and "transparency" in image.info
    )


def decode_source(data: bytes) -> SourceImage:
    """Decode the source image, keeping its alpha channel when it has one.

    Raises
    ------
    ImageReadError
        If the bytes are not a readable image or it is larger than 4096x4096 pixels' worth.
    """
    # The header tells whether there is alpha; the pixels are decoded once, below.
    with io.BytesIO(data) as stream:
        has_alpha = _has_alpha(open_header(stream, "the image", MAX_SOURCE_PIXELS))
    rgba = load_pixels(data, mode="RGBA", max_pixels=MAX_SOURCE_PIXELS)
    if max(rgba.shape[:2]) > MAX_SIDE:
        raise ImageReadError(
            f"The image is {rgba.shape[1]}x{rgba.shape[0]}; style transfer works on images up "
            f"to {MAX_SIDE} pixels on the longest side. Scale it down first."
        )
    alpha = np.ascontiguousarray(rgba[..., 3]) if has_alpha else None
    return SourceImage(np.ascontiguousarray(rgba[..., :3]), alpha)


def decode_mask(data: bytes | None, width: int, height: int) -> np.ndarray | None:
    """The mask as float ``(height, width)`` in ``[0, 1]`` (white applies the style).

    Raises
    ------
    InvalidRequestError
        If the mask belongs to a picture of another shape.
    """
    if data is None:
        return None
    image = open_image(data, max_pixels=MAX_SOURCE_PIXELS)
    grey = np.asarray(image.convert("L"), dtype=np.uint8)
    try:
        return mask_from_pixels(grey, width, height)
    except ValueError as exc:
        raise InvalidRequestError(
            f"The mask does not fit the image ({exc}); paint the mask on this image."
        ) from None


def decode_style_image(data: bytes, label: str) -> np.ndarray:
    """A style image as the square ``(256, 256, 3)`` float crop the style predictor reads.

    The centre square is taken (as the predictor was trained on) and resized with Lanczos.
    """
    try:
        rgb = load_pixels(data, mode="RGB", max_pixels=MAX_STYLE_IMAGE_PIXELS)
    except ImageReadError as exc:
        raise ImageReadError(f"Style image {label}: {exc}") from None
    return square_crop(rgb, STYLE_IMAGE_SIDE).astype(np.float32) / 255.0


def decode_style_pixels(data: bytes, label: str, longest: int) -> np.ndarray:
    """A style image as uint8 RGB whose longest side is ``longest`` (for the iterative method,
    where the style's texture scale should match the work image's).
    """
    try:
        rgb = load_pixels(data, mode="RGB", max_pixels=MAX_STYLE_IMAGE_PIXELS)
    except ImageReadError as exc:
        raise ImageReadError(f"Style image {label}: {exc}") from None
    height, width = rgb.shape[:2]
    scale = longest / max(height, width)
    return resize_rgb(rgb, max(1, round(width * scale)), max(1, round(height * scale)))


def square_crop(rgb: np.ndarray, side: int) -> np.ndarray:
    """Centre square of ``rgb`` resized to ``side`` x ``side`` (uint8)."""
    height, width = rgb.shape[:2]
    crop = min(height, width)
    top, left = (height - crop) // 2, (width - crop) // 2
    square = Image.fromarray(rgb[top : top + crop, left : left + crop])
    return np.asarray(square.resize((side, side), Image.Resampling.LANCZOS))


def work_size(width: int, height: int, max_size: int | None) -> tuple[int, int]:
    """``(width, height)`` the network runs at: the source size capped by ``max_size`` on the
    longest side, and raised so the shortest side has at least 64 pixels.
    """
    scale = 1.0
    if max_size is not None and max(width, height) > max_size:
        scale = max_size / max(width, height)
    if min(width, height) * scale < MIN_WORK_SIDE:
        scale = MIN_WORK_SIDE / min(width, height)
    if max(width, height) * scale > 2 * MAX_SIDE:
        raise InvalidRequestError(
            f"The image is {width}x{height}: too thin to restyle; crop it to a wider strip."
        )
    return max(1, round(width * scale)), max(1, round(height * scale))


def resize_rgb(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    """Lanczos resize of a uint8 RGB image (a no-op at the same size)."""
    if rgb.shape[1] == width and rgb.shape[0] == height:
        return rgb
    return np.asarray(Image.fromarray(rgb).resize((width, height), Image.Resampling.LANCZOS))
