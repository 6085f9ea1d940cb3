"""The canvas-edit side of a Stable Diffusion job: variation latents, inpaint inputs, checks.

Kept out of :mod:`studio.engine.sd.diffusers_backend` so the backend reads as the job loop;
each function here is one decision about an edit option of the request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from studio.domain.errors import InvalidRequestError
from studio.domain.requests import GenerationRequest
from studio.engine.editing.variation import variation_noise
from studio.engine.sd.loading import LoadedPipeline

if TYPE_CHECKING:
    import torch

    from studio.engine.editing.inpaint import InpaintPlan


def check_edits(loaded: LoadedPipeline, request: GenerationRequest, name: str) -> None:
    """Refuse edit combinations this model cannot run, with what to do instead.

    Raises
    ------
    InvalidRequestError
        For an inpainting model asked for a whole new image, or variations of an init image.
    """
    if loaded.is_inpainting and not request.is_inpaint:
        raise InvalidRequestError(
            f"{name} is an inpainting model: it only repaints a masked area. Paint a mask on "
            "the canvas, or pick an ordinary model for a whole new image."
        )
    if request.has_variation and request.is_img2img:
        raise InvalidRequestError(
            "Variations blend the starting noise of text-to-image: clear the source image "
            "(or the mask), or set the variation strength to 0."
        )


def initial_latents(
    pipe: Any, request: GenerationRequest, index: int, generator: torch.Generator
) -> torch.Tensor | None:
    """The starting noise of image ``index`` when a variation is on, else ``None``.

    The seed's noise is drawn from ``generator`` exactly as the pipeline would draw it
    (same shape, device and dtype), so the generator is left in the state the pipeline
    expects and strength 0 reproduces the seed's image bit for bit.
    """
    if not request.has_variation:
        return None
    from diffusers.utils.torch_utils import randn_tensor

    channels = int(pipe.unet.config.get("out_channels", 4))
    factor = int(pipe.vae_scale_factor)
    shape = (1, channels, request.height // factor, request.width // factor)
    dtype = pipe.unet.dtype
    base = randn_tensor(shape, generator=generator, device=pipe._execution_device, dtype=dtype)
    return variation_noise(base, request.variation_seed_for(index), request.variation_strength)


def inpaint_options(plan: InpaintPlan, request: GenerationRequest) -> dict[str, Any]:
    """Pipeline keyword arguments for an inpaint job (image, soft mask, size, strength)."""
    from PIL import Image

    mask = Image.fromarray((plan.model_mask * 255.0).round().astype("uint8"), mode="L")
    return {
        "image": Image.fromarray(plan.model_image),
        "mask_image": mask,
        "width": request.width,
        "height": request.height,
        "strength": request.strength,
    }
