"""What a model file is for: a whole checkpoint or one of the add-ons artists already own.

Plain data for every layer. The engine decides the kind from a file's tensor names
(:mod:`studio.engine.model_folders`); the faces list and pick by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

from studio.domain.models import ModelFamily


class ModelKind(StrEnum):
    """The job a weights file does."""

    CHECKPOINT = "checkpoint"
    LORA = "lora"  # LoRA and LyCORIS (LoHa, LoKr): the detail names which
    EMBEDDING = "embedding"  # textual inversion
    UPSCALER = "upscaler"  # ESRGAN family and the rest spandrel detects
    CONTROLNET = "controlnet"
    IP_ADAPTER = "ip_adapter"
    VAE = "vae"
    LAYERDIFFUSE = "layerdiffuse"


ADDON_KINDS = tuple(kind for kind in ModelKind if kind is not ModelKind.CHECKPOINT)


def kind_label(kind: ModelKind) -> str:
    """How a sentence names ``kind`` ("is a LoRA add-on")."""
    match kind:
        case ModelKind.CHECKPOINT:
            return "Stable Diffusion checkpoint"
        case ModelKind.LORA:
            return "LoRA add-on"
        case ModelKind.EMBEDDING:
            return "textual-inversion embedding"
        case ModelKind.UPSCALER:
            return "upscaler"
        case ModelKind.CONTROLNET:
            return "ControlNet"
        case ModelKind.IP_ADAPTER:
            return "IP-Adapter"
        case ModelKind.VAE:
            return "VAE"
        case ModelKind.LAYERDIFFUSE:
            return "LayerDiffuse part"
        case _:
            assert_never(kind)


def has_base_family(kind: ModelKind) -> bool:
    """Whether files of ``kind`` belong to one Stable Diffusion family.

    An upscaler works on pixels of any model, and the SD VAEs of SD 1.x and SDXL share one
    layout, so for those two "unknown" would mislead: listings show no family instead.
    """
    match kind:
        case ModelKind.UPSCALER | ModelKind.VAE:
            return False
        case (
            ModelKind.CHECKPOINT
            | ModelKind.LORA
            | ModelKind.EMBEDDING
            | ModelKind.CONTROLNET
            | ModelKind.IP_ADAPTER
            | ModelKind.LAYERDIFFUSE
        ):
            return True
        case _:
            assert_never(kind)


@dataclass(frozen=True)
class Classified:
    """What a file's tensor names say: its kind, base family and a detail.

    Parameters
    ----------
    detail
        The format within the kind, e.g. ``"kohya"``, ``"LyCORIS LoHa"``, ``"ESRGAN"``.
    """

    kind: ModelKind
    family: ModelFamily = ModelFamily.UNKNOWN
    detail: str = ""


@dataclass(frozen=True)
class AddonInfo:
    """An add-on file the registry found, read in place.

    Parameters
    ----------
    name
        The file name without its suffix, as A1111 and ComfyUI show it (``<lora:NAME:1>``).
    location
        The absolute path of the file; it is never copied.
    """

    name: str
    kind: ModelKind
    family: ModelFamily
    location: str
    size_bytes: int = 0
    detail: str = ""

    def family_text(self) -> str:
        """The family for a listing: ``-`` where the kind has none."""
        return self.family.value if has_base_family(self.kind) else "-"

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.location,
            "name": self.name,
            "kind": self.kind.value,
            "family": self.family_text(),
            "detail": self.detail,
            "source": "user",
            "location": self.location,
            "size_bytes": self.size_bytes,
        }


# LyCORIS kinds diffusers' SD/SDXL loader does not read (it reads LoRA and LoCon): LoHa and
# LoKr need LyCORIS's own network code, which Studio does not run.
UNLOADABLE_LYCORIS = ("LoHa", "LoKr")


def lycoris_refusal(name: str, kind: str) -> str:
    """The one line for a LyCORIS file of ``kind`` (``"LoHa"``...) Studio cannot load."""
    return (
        f"{name} is a LyCORIS {kind}; Studio loads LoRA and LoCon files (through "
        "diffusers), not LoHa, LoKr, OFT or full-difference files: use a LoRA version."
    )


def addon_refusal(addon: AddonInfo) -> str:
    """Why Studio cannot use ``addon`` on any model, or ``""`` (the picker greys it)."""
    for kind in UNLOADABLE_LYCORIS:
        if addon.kind is ModelKind.LORA and addon.detail == f"LyCORIS {kind}":
            return lycoris_refusal(addon.name, kind)
    return ""
