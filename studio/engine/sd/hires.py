"""A1111's hires fix on the Stable Diffusion path: upscale the first pass, then repaint it.

The first pass is an ordinary text-to-image job at the request's size. Its latents are then
enlarged to :attr:`GenerationRequest.hires_size` (a ``Latent`` mode interpolates the latents
themselves; ``Nearest``/``Lanczos`` or an upscaler model (ESRGAN...) decode, enlarge the
pixels and let the image-to-image pipeline encode them again), and the image-to-image
pipeline, built from the loaded components (no second load), repaints the larger image at
the request's denoising strength for ``hires_steps`` (0: the first pass's count), as A1111
does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from studio.domain.errors import InvalidRequestError, OutOfMemoryError
from studio.domain.hires import (
    LATENT_UPSCALERS,
    PIXEL_UPSCALERS,
    latent_interpolation,
)
from studio.domain.requests import GenerationRequest
from studio.engine.device import free_memory, is_out_of_memory
from studio.imaging.output_size import check_output_size

if TYPE_CHECKING:
    import torch

    from studio.engine.sd.decoding import DecodedImage


def hires_steps(request: GenerationRequest) -> int:
    """Steps the second pass runs (0 without hires fix), checked before the first step.

    As A1111's image-to-image, the pass is planned for ``hires_steps`` (or ``steps``) and
    runs the last ``strength`` part of them.

    Raises
    ------
    InvalidRequestError
        If the finished image would be too large, the upscaler is unknown, or the strength
        is so low that the second pass would change nothing.
    """
    if not request.has_hires:
        return 0
    width, height = request.hires_size
    check_output_size(width, height, what="The hires image", lower="the hires scale or size")
    planned = request.hires_steps or request.steps
    steps = min(int(planned * request.strength), planned)
    if steps < 1:
        raise InvalidRequestError(
            f"Denoising strength {request.strength:g} with {planned} hires steps changes "
            f"nothing: raise the strength to at least {np.ceil(100 / planned) / 100:g} or use "
            "more hires steps."
        )
    return steps


# Enlarges (H, W, 3) uint8 pixels to (width, height) with the named upscaler.
PixelUpscaler = Callable[[np.ndarray, str, tuple[int, int]], np.ndarray]


def resize_pixels(pixels: np.ndarray, upscaler: str, size: tuple[int, int]) -> np.ndarray:
    """Enlarge ``(H, W, 3)`` uint8 ``pixels`` to ``size`` (width, height), nearest or Lanczos."""
    from PIL import Image

    resample = Image.Resampling.NEAREST if upscaler == "nearest" else Image.Resampling.LANCZOS
    return np.asarray(Image.fromarray(pixels).resize(size, resample))


def needs_upscaler_model(upscaler: str) -> bool:
    """Whether ``upscaler`` names a model file rather than one of A1111's built-in modes."""
    return upscaler not in LATENT_UPSCALERS and upscaler not in PIXEL_UPSCALERS


def model_upscale(
    index: Any, device: tuple[Any, Any], pixels: np.ndarray, upscaler: str, size: tuple[int, int]
) -> np.ndarray:
    """Hires fix's pixel upscale: an upscaler model (found in ``index``) through the upscale
    job on ``device`` (a device and dtype), then a Lanczos resize to the hires size (as A1111
    does with a model of another factor); the plain resizes need no model."""
    if not needs_upscaler_model(upscaler):
        return resize_pixels(pixels, upscaler, size)
    import threading

    from studio.domain.upscale_request import UpscaleRequest
    from studio.engine.upscale import run_upscale_job

    request = UpscaleRequest(pixels=pixels, model=upscaler)
    enlarged = run_upscale_job(
        request, index, lambda: device, lambda _update: None, threading.Event()
    )
    return resize_pixels(enlarged.pixels[:, :, :3], "lanczos", size)


def upscale_latents(latents: torch.Tensor, upscaler: str, size: tuple[int, int]) -> torch.Tensor:
    """Interpolate ``latents`` to the latent grid of ``size`` (width, height) in pixels."""
    import torch.nn.functional as F  # noqa: N812  (torch's own spelling)

    mode, antialias = latent_interpolation(upscaler)
    grid = (size[1] // 8, size[0] // 8)
    if antialias:
        return F.interpolate(latents, size=grid, mode=mode, antialias=True)
    return F.interpolate(latents, size=grid, mode=mode)


def second_pass(
    pipe: Any,
    latents: torch.Tensor,
    request: GenerationRequest,
    decode: Callable[[torch.Tensor], DecodedImage],
    options: dict[str, Any],
    upscale_pixels: PixelUpscaler = resize_pixels,
) -> torch.Tensor:
    """Upscale the first pass's ``latents`` and repaint them with the image-to-image ``pipe``.

    Parameters
    ----------
    pipe
        The image-to-image pipeline sharing the loaded components, its scheduler set.
    latents
        The first pass's output (``output_type="latent"``).
    request
        The request (its hires size, upscaler, steps and strength).
    decode
        Latents to the decoded image, for the pixel upscalers.
    upscale_pixels
        Enlarges decoded pixels for a non-latent upscaler (an upscaler model through the
        backend; nearest or Lanczos by default).
    options
        The rest of the pipeline call: embeddings, guidance, generator, step callback.

    Raises
    ------
    OutOfMemoryError
        If the larger image does not fit; the engine stays usable.
    """
    import torch

    size = request.hires_size
    if request.hires_upscaler in LATENT_UPSCALERS:
        image: Any = upscale_latents(latents, request.hires_upscaler, size)
    else:
        from PIL import Image

        pixels = decode(latents).pixels
        image = Image.fromarray(upscale_pixels(pixels, request.hires_upscaler, size))
    try:
        with torch.inference_mode():
            return pipe(
                image=image,
                strength=request.strength,
                num_inference_steps=request.hires_steps or request.steps,
                output_type="latent",
                **options,
            ).images
    except Exception as exc:
        if not is_out_of_memory(exc):
            raise
    free_memory()
    raise OutOfMemoryError(
        f"Out of memory making the {size[0]}x{size[1]} hires image: lower the hires scale or "
        "close other programs using the GPU."
    )
