"""Which canvas edits each built-in family can do (checked before any model runs).

* Variations: the VAE, the GAN and diffusion start from Gaussian noise (a latent vector or a
  noisy image), so the noise is slerped toward a variation seed's. The autoregressive model
  starts from nothing: it draws discrete tokens one by one, and a token cannot be half one
  seed's and half another's, so it refuses variations rather than pretend.
* Inpainting: only diffusion refines an image step by step, so only it can keep the known
  pixels and fill the mask; the one-pass families (VAE, GAN) and the AR model say so.
* Tiling works for every family (all their image-making layers are convolutions); for the AR
  model only its VQ decoder wraps, the token grid itself does not know about the wrap.
"""

from __future__ import annotations

from studio.domain.errors import InvalidRequestError
from studio.domain.prompt_tags import split_lora_tags
from studio.domain.requests import GenerationRequest

NOISE_FAMILIES = ("vae", "gan", "diffusion")
INPAINT_FAMILIES = ("diffusion",)


def check_builtin_edits(family: str, request: GenerationRequest, name: str) -> None:
    """Refuse the edits ``family`` cannot do, saying which model can.

    Raises
    ------
    InvalidRequestError
        For variations of the AR model, inpainting with a one-pass family, a control image,
        or a plain image-to-image request.
    """
    if request.has_variation and family not in NOISE_FAMILIES:
        raise InvalidRequestError(
            f"{name} draws tokens one at a time and has no starting noise to vary: "
            "use builtin-diffusion, builtin-vae or builtin-gan for variations."
        )
    if request.has_variation and request.is_img2img:
        raise InvalidRequestError(
            "Variations blend the starting noise of text-to-image: clear the source image "
            "(or the mask), or set the variation strength to 0."
        )
    if request.is_inpaint and family not in INPAINT_FAMILIES:
        raise InvalidRequestError(
            f"{name} cannot keep part of an image while it makes one (only diffusion refines "
            "an image step by step): inpaint with builtin-diffusion or a Stable Diffusion model."
        )
    loras = split_lora_tags(request.prompt).loras  # a malformed tag is its own one line
    if loras:
        raise InvalidRequestError(
            f"<lora:{loras[0].name}> needs a Stable Diffusion model: {name} cannot apply LoRAs. "
            "Remove the tag, or pick a Stable Diffusion model."
        )
    if request.has_hires:
        raise InvalidRequestError(
            f"{name} has no image-to-image pass to repaint a larger image with: pick a Stable "
            "Diffusion model for hires fix, or set the hires scale to 1."
        )
    if request.controls:
        raise InvalidRequestError(
            f"{name} cannot take a control image (built-in models have no ControlNet): "
            "pick a Stable Diffusion model, or remove the control."
        )
    if request.references:
        raise InvalidRequestError(
            f"{name} cannot take a reference image (built-in models have no IP-Adapter): "
            "pick a Stable Diffusion model, or remove the reference."
        )
    if request.is_img2img and not request.is_inpaint:
        raise InvalidRequestError(
            "Built-in models make sprites from text only: clear the source image, paint a "
            "mask to inpaint with builtin-diffusion, or pick a Stable Diffusion model for "
            "image-to-image."
        )
