"""How a Stable Diffusion result gets its transparent background, and whether it can.

Two ways, chosen per request (``GenerationRequest.transparent``):

- ``"matte"``: the model paints the subject on a flat key colour and the key is matted out
  (pymatting); works with every SD model and needs no extra files.
- ``"native"``: LayerDiffuse (arXiv 2402.17113). The user's latent-transparency weights go on
  the UNet and the transparent VAE decoder turns the latent into RGBA. It needs two files of
  the model's family among the user's models; :func:`native_problem` says which is missing.

This module only reads what the registry lists (:class:`~studio.domain.model_kind.AddonInfo`),
so the window greys out "native" with the same reason the engine would refuse it with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from studio.domain.errors import InvalidRequestError
from studio.domain.model_kind import AddonInfo, ModelKind
from studio.domain.models import ModelFamily

NATIVE = "native"
MATTE = "matte"
TRANSPARENT_MODES = (NATIVE, MATTE)

# The parts LayerDiffuse's classifier names (studio.engine.sd.layerdiffuse), best first: the
# attention patch is what Forge and ComfyUI default to; the SDXL conv patch is the fallback.
DECODER_PART = "transparent decoder"
PATCH_PARTS = ("latent transparency attention LoRA", "latent transparency weight offsets")
_FILE_HINTS = {ModelFamily.SD1: "layer_sd15_transparent_attn.safetensors",
               ModelFamily.SDXL: "layer_xl_transparent_attn.safetensors"}  # fmt: skip
_DECODER_HINTS = {ModelFamily.SD1: "layer_sd15_vae_transparent_decoder.safetensors",
                  ModelFamily.SDXL: "vae_transparent_decoder.safetensors"}  # fmt: skip


def check_transparent(value: object) -> str | None:
    """``value`` as a transparency mode (``None``, ``"native"`` or ``"matte"``).

    Raises
    ------
    InvalidRequestError
        For anything else.
    """
    if value is None or value == "":
        return None
    if value not in TRANSPARENT_MODES:
        raise InvalidRequestError(
            f"Transparent background {value!r} is unknown: use native or matte."
        )
    return str(value)


def canonical_transparency(background: object, mode: object) -> tuple[tuple[str, object], ...]:
    """A request's ``transparent_background`` and ``transparent`` fields in their stored form.

    Either field asks for a transparent background. Matte is stored as it was before
    ``transparent`` existed (``transparent_background`` alone, ``transparent`` ``None``), so
    a matte request's recipe, and the batch skip that compares recipes, do not change.

    Raises
    ------
    InvalidRequestError
        For a mode other than ``None``, ``"native"`` or ``"matte"``.
    """
    checked = check_transparent(mode)
    return (
        ("transparent_background", bool(background) or checked is not None),
        ("transparent", NATIVE if checked == NATIVE else None),
    )


@dataclass(frozen=True)
class NativeFiles:
    """The two LayerDiffuse files a native transparent generation of one family uses."""

    patch: AddonInfo
    decoder: AddonInfo


def find_native_files(addons: Iterable[AddonInfo], family: ModelFamily) -> NativeFiles | None:
    """The LayerDiffuse patch and decoder for ``family`` among ``addons``, or ``None``.

    The decoders carry no family in their tensors (SD 1.5's and SDXL's have one layout), so
    the SD 1.5 one is told by its published name (``layer_sd15_...``); a single decoder is
    taken for either family.
    """
    layer = [addon for addon in addons if addon.kind is ModelKind.LAYERDIFFUSE]
    patches = [a for part in PATCH_PARTS for a in layer if a.detail == part and a.family is family]
    decoders = [addon for addon in layer if addon.detail == DECODER_PART]
    named = [d for d in decoders if ("sd15" in d.name.lower()) == (family is ModelFamily.SD1)]
    decoder = named or (decoders if len(decoders) == 1 else [])
    if not patches or not decoder:
        return None
    return NativeFiles(patches[0], decoder[0])


def native_problem(addons: Iterable[AddonInfo], family: ModelFamily) -> str | None:
    """Why native transparency cannot run for a model of ``family``; ``None`` when it can."""
    if family not in _FILE_HINTS:
        return (
            "Transparent background: native needs an SD 1.5 or SDXL model (LayerDiffuse); "
            "use matte for this one."
        )
    addons = list(addons)
    if find_native_files(addons, family) is not None:
        return None
    return (
        f"Transparent background: native needs LayerDiffuse's {_FILE_HINTS[family]} and "
        f"{_DECODER_HINTS[family]} among your models: add the folder that holds them "
        "(studio models --add DIR), or use matte."
    )
