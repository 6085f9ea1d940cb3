"""What every backend does around inpainting: the model's input, and the composite after.

:func:`plan_inpaint` reads the request's source image and mask, feathers the mask and, for
"only masked", crops a box around it; the backend generates ``plan.model_image`` repainted
under ``plan.model_mask`` at the request's size; :func:`finish_inpaint` scales the result
back into the box and composites it with the feathered mask, so outside the mask the output
is the source image pixel for pixel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from studio.domain.errors import InvalidRequestError
from studio.domain.requests import GenerationRequest
from studio.imaging.decode import load_pixels
from studio.imaging.masks import (
    check_mask,
    composite,
    feather,
    mask_crop_box,
    mask_from_pixels,
    resize_mask,
)


@dataclass(frozen=True, eq=False)
class InpaintPlan:
    """An inpaint job prepared for a backend.

    Parameters
    ----------
    original
        ``(H, W, C)`` ``uint8``: the canvas the result is composited onto (its size is the
        output's size).
    mask
        ``(H, W)`` feathered mask over ``original``.
    box
        ``(left, top, right, bottom)`` of ``original`` that the model repaints.
    model_image, model_mask
        The box resized to the request's width and height: what the model sees.
    """

    original: np.ndarray
    mask: np.ndarray
    box: tuple[int, int, int, int]
    model_image: np.ndarray
    model_mask: np.ndarray


def plan_inpaint(request: GenerationRequest, mode: str = "RGB") -> InpaintPlan:
    """Prepare ``request`` (which must carry an init image and a mask) for a backend.

    Parameters
    ----------
    mode
        ``"RGB"`` (Stable Diffusion) or ``"RGBA"`` (the built-in sprite models).

    Raises
    ------
    InvalidRequestError
        If the mask is empty or not the size of the source image.
    ImageReadError
        If either image cannot be read.
    """
    if request.init_image is None or request.mask_image is None:
        raise InvalidRequestError("Inpainting needs a source image and a mask.")
    original = _read_source(request.init_image, mode)
    mask = mask_from_pixels(load_pixels(request.mask_image, mode="RGBA"))
    height, width = original.shape[:2]
    check_mask(mask, width, height)
    if not request.only_masked and (width, height) != (request.width, request.height):
        # Whole-picture inpainting works at the request's size, like image-to-image.
        original = _resize(original, request.width, request.height)
        mask = resize_mask(mask, request.width, request.height)
        width, height = request.width, request.height
    mask = np.clip(feather(mask, request.mask_blur), 0.0, 1.0)
    if request.only_masked:
        box = mask_crop_box(mask, request.only_masked_padding, request.width / request.height)
    else:
        box = (0, 0, width, height)
    left, top, right, bottom = box
    model_image = _resize(original[top:bottom, left:right], request.width, request.height)
    model_mask = resize_mask(mask[top:bottom, left:right], request.width, request.height)
    return InpaintPlan(original, mask, box, model_image, np.clip(model_mask, 0.0, 1.0))


def finish_inpaint(plan: InpaintPlan, generated: np.ndarray) -> np.ndarray:
    """Put the model's ``generated`` box back into the canvas and composite with the mask.

    Returns
    -------
    numpy.ndarray
        ``uint8`` of ``plan.original``'s shape; equal to it wherever ``plan.mask`` is 0.
    """
    left, top, right, bottom = plan.box
    channels = plan.original.shape[2]
    generated = _match_channels(generated, channels)
    pasted = plan.original.copy()
    pasted[top:bottom, left:right] = _resize(generated, right - left, bottom - top)
    return composite(plan.original, pasted, plan.mask)


def _read_source(data: bytes, mode: str) -> np.ndarray:
    """The source image; for RGB models transparency is flattened onto white (as for
    image-to-image), so a transparent sprite does not turn black."""
    rgba = load_pixels(data, mode="RGBA")
    if mode == "RGBA":
        return rgba
    alpha = rgba[..., 3:].astype(np.float32) / 255.0
    flat = rgba[..., :3].astype(np.float32) * alpha + 255.0 * (1.0 - alpha)
    return np.clip(flat.round(), 0, 255).astype(np.uint8)


def _resize(pixels: np.ndarray, width: int, height: int) -> np.ndarray:
    if pixels.shape[:2] == (height, width):
        return np.ascontiguousarray(pixels)
    image = Image.fromarray(np.ascontiguousarray(pixels))
    return np.asarray(image.resize((width, height), Image.Resampling.LANCZOS), dtype=np.uint8)


def _match_channels(pixels: np.ndarray, channels: int) -> np.ndarray:
    if pixels.shape[2] == channels:
        return pixels
    if channels == 3:
        return np.ascontiguousarray(pixels[..., :3])
    alpha = np.full((*pixels.shape[:2], 1), 255, dtype=np.uint8)
    return np.concatenate([pixels[..., :3], alpha], axis=2)
