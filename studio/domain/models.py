"""Descriptions of the models Studio can see, as plain data for every layer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ModelFamily(StrEnum):
    """Architecture family; decides configs, default size and latent preview factors."""

    SD1 = "sd1"
    SD2 = "sd2"
    SDXL = "sdxl"
    BUILTIN = "builtin"
    UNKNOWN = "unknown"


class ModelSource(StrEnum):
    """Where the registry found a model."""

    USER = "user"
    HF_CACHE = "hf-cache"
    BUILTIN = "builtin"


class ModelFormat(StrEnum):
    DIFFUSERS = "diffusers"
    SAFETENSORS = "safetensors"
    PICKLE = "pickle"
    BUILTIN = "builtin"


SAMPLING_CONTROLS = ("sampler", "steps", "cfg")
"""The sampling settings of a request; a model may read only some of them."""

CANVAS_EDITS = ("img2img", "inpaint", "variation", "hires", "control", "reference")
"""What a model can do beyond text-to-image: start from an image, repaint a masked area
(inpaint and outpaint), vary a seed's starting noise, repaint its own image larger (hires fix),
follow a control image (ControlNet), steer toward a reference image (IP-Adapter)."""

BUILTIN_FAMILY_CONTROLS: dict[str, tuple[str, ...]] = {
    "vae": (),
    "gan": (),
    "ar": ("cfg",),
    "diffusion": SAMPLING_CONTROLS,
    "texture": (),
}
"""What each built-in family reads of a request's sampling settings: the VAE and GAN draw in
one pass, the AR model samples tokens with its own temperature but is guided by CFG, and the
diffusion model uses all three; a texture (any family, :mod:`studio.domain.texture_prompt`) reads
none. The GUI, ``studio info`` and the PNG recipe all follow it."""


def builtin_family_controls(family: object) -> tuple[str, ...]:
    """The controls a built-in ``family`` reads; every control for anything else (SD models)."""
    return (
        BUILTIN_FAMILY_CONTROLS.get(family, SAMPLING_CONTROLS)
        if isinstance(family, str)
        else SAMPLING_CONTROLS
    )


@dataclass(frozen=True)
class ModelInfo:
    """A model the registry can offer.

    Parameters
    ----------
    id
        Stable identifier used in requests: ``builtin-diffusion``, an absolute path, or a
        Hugging Face repo id such as ``stabilityai/sdxl-turbo``.
    name
        Short display name.
    location
        Folder or file on disk.
    default_size
        ``(width, height)`` the model was trained at.
    controls
        Which of :data:`SAMPLING_CONTROLS` the model reads. A one-pass sprite model has no
        sampler, steps or guidance; the GUI shows those settings disabled for it.
    """

    id: str
    name: str
    family: ModelFamily
    source: ModelSource
    format: ModelFormat
    location: str = ""
    size_bytes: int = 0
    default_size: tuple[int, int] = (512, 512)
    is_turbo: bool = False
    controls: tuple[str, ...] = SAMPLING_CONTROLS
    edits: tuple[str, ...] = CANVAS_EDITS

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": "checkpoint",  # beside the add-ons in `studio models --json`
            "family": self.family.value,
            "source": self.source.value,
            "format": self.format.value,
            "location": self.location,
            "size_bytes": self.size_bytes,
            "default_size": list(self.default_size),
            "is_turbo": self.is_turbo,
            "controls": list(self.controls),
            "edits": list(self.edits),
        }
