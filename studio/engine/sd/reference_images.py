"""Reference images through IP-Adapters on a warm SD/SDXL pipeline.

A request's :class:`~studio.domain.reference.ReferenceImage` specs resolve to IP-Adapter files
among the user's models (the one named, or the one of the model's family), which load once and
stay on the UNet while the same files are asked for. Each reference gets its own adapter slot,
so each has its own weight (diffusers' ``set_ip_adapter_scale`` is per adapter). The reference
is encoded once per batch by the CLIP image encoder found beside the adapter
(:mod:`studio.engine.sd.reference_encoder`) and every pipeline call of the batch, hires fix's
second pass included, gets the same ``ip_adapter_image_embeds``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.domain.errors import ModelLoadError, ModelNotFoundError
from studio.domain.model_kind import ModelKind
from studio.domain.models import ModelFamily
from studio.domain.reference import ReferenceImage, reference_parameters
from studio.domain.requests import GenerationRequest
from studio.engine.addon_lookup import AddonIndex, find_addons, resolve_addon
from studio.engine.load_errors import LOAD_FAILURES, first_line
from studio.engine.model_hash import short_hash
from studio.engine.safe_load import load_state_dict
from studio.engine.sd.init_image import read_init_image
from studio.engine.sd.loading import LoadedPipeline
from studio.engine.sd.reference_encoder import load_image_encoder, needed_width

_READ_SIZE = 512  # the encoder's processor resizes again; this only bounds the decode


@dataclass(frozen=True, eq=False)
class ReferenceCall:
    """What a batch's pipeline calls take (``ip_adapter_image_embeds``) and its recipe."""

    options: dict[str, Any] = field(default_factory=dict)
    recipe: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class _Adapter:
    state: dict[str, dict[str, Any]]
    need: tuple[str, int]
    label: str


class SdReferences:
    """The IP-Adapters and image encoders loaded for one warm pipeline."""

    def __init__(self, index: AddonIndex) -> None:
        self._index = index
        self._adapters: dict[tuple[str, float], _Adapter] = {}
        self._encoders: dict[tuple[str, str, int], Any] = {}
        self._on_unet: tuple[str, ...] = ()

    def prepare(
        self, loaded: LoadedPipeline, request: GenerationRequest, device: Any
    ) -> ReferenceCall:
        """Put the request's adapters on the UNet (or take them off) and encode its images.

        Raises
        ------
        InvalidRequestError, ImageReadError
            A reference without its image (read back from a recipe), or an unreadable one.
        ModelNotFoundError
            No IP-Adapter of the model's family, none of the name given, or no image encoder.
        ModelLoadError, DamagedModelError, UnsafeModelError
            A file that is not an IP-Adapter of this model's family.
        """
        references = request.references
        pipe = loaded.pipe
        if not references:
            self._detach(pipe)
            return ReferenceCall()
        paths = [ip_adapter_path(self._index, ref, loaded.family) for ref in references]
        adapters = [self._adapter(path) for path in paths]
        self._attach(pipe, paths, adapters)
        pipe.set_ip_adapter_scale([reference.weight for reference in references])
        guidance = request.cfg_scale > 1.0
        embeds = [
            self._embed(path, adapter, reference, pipe, device, guidance)
            for path, adapter, reference in zip(paths, adapters, references, strict=True)
        ]
        recipe = reference_parameters(references, tuple(adapter.label for adapter in adapters))
        return ReferenceCall({"ip_adapter_image_embeds": embeds}, recipe)

    def _adapter(self, path: Path) -> _Adapter:
        key = (str(path.resolve()), path.stat().st_mtime)
        adapter = self._adapters.get(key)
        if adapter is None:
            adapter = _read_adapter(path)
            self._adapters[key] = adapter
        return adapter

    def _attach(self, pipe: Any, paths: list[Path], adapters: list[_Adapter]) -> None:
        wanted = tuple(str(path.resolve()) for path in paths)
        if wanted == self._on_unet:
            return
        self._detach(pipe)
        states = [adapter.state for adapter in adapters]
        try:
            pipe.load_ip_adapter(
                states, subfolder="", weight_name=[""] * len(states), image_encoder_folder=None
            )
        except LOAD_FAILURES as exc:
            self._detach(pipe)
            names = ", ".join(path.name for path in paths)
            reason = first_line(exc)
            raise ModelLoadError(
                f"{names} does not fit this model ({reason}): use an IP-Adapter made for "
                "the model's family (SD 1.x or SDXL)."
            ) from None
        self._on_unet = wanted
        # Only the adapters in use stay in memory.
        self._adapters = {k: v for k, v in self._adapters.items() if k[0] in wanted}

    def _detach(self, pipe: Any) -> None:
        if self._on_unet or getattr(pipe.unet, "encoder_hid_proj", None) is not None:
            pipe.unload_ip_adapter()
        self._on_unet = ()

    def _embed(
        self,
        path: Path,
        adapter: _Adapter,
        reference: ReferenceImage,
        pipe: Any,
        device: Any,
        guidance: bool,
    ) -> Any:
        """The reference's embeddings as ``ip_adapter_image_embeds`` takes them (negative
        first under guidance: a zero embedding for a base adapter, an empty image's for plus)."""
        import torch
        from transformers import CLIPImageProcessor

        if reference.image is None:
            from studio.domain.errors import InvalidRequestError

            raise InvalidRequestError(
                "A reference image has no picture (a recipe stores only its hash): "
                "add the reference again."
            )
        encoder = self._encoder(path, adapter.need, pipe.dtype).to(device)
        size = encoder.config.image_size
        processor = CLIPImageProcessor(size=size, crop_size=size)
        image = read_init_image(reference.image, _READ_SIZE, _READ_SIZE)
        pixels = processor(image, return_tensors="pt").pixel_values.to(device, pipe.dtype)
        with torch.inference_mode():
            if adapter.need[0] == "projection":
                positive = encoder(pixels).image_embeds
                negative = torch.zeros_like(positive)
            else:
                positive = encoder(pixels, output_hidden_states=True).hidden_states[-2]
                empty = torch.zeros_like(pixels)
                negative = encoder(empty, output_hidden_states=True).hidden_states[-2]
        positive, negative = positive[None], negative[None]
        return torch.cat([negative, positive]) if guidance else positive

    def _encoder(self, path: Path, need: tuple[str, int], dtype: Any) -> Any:
        key = (str(path.resolve().parent), *need)
        encoder = self._encoders.get(key)
        if encoder is None:
            encoder = self._encoders[key] = load_image_encoder(path, need, dtype)
        return encoder

    def clear(self) -> None:
        """Let every loaded adapter and encoder go (the pipeline is being unloaded)."""
        self._adapters.clear()
        self._encoders.clear()
        self._on_unet = ()


def ip_adapter_path(index: AddonIndex, reference: ReferenceImage, family: ModelFamily) -> Path:
    """The IP-Adapter file ``reference`` is read with: the one it names, or the family's.

    Raises
    ------
    ModelNotFoundError
        One line: no such name or file, or no IP-Adapter of the family.
    """
    if reference.model:
        return resolve_addon(index, ModelKind.IP_ADAPTER, reference.model)
    return find_ip_adapter(index, family)


def find_ip_adapter(index: AddonIndex, family: ModelFamily) -> Path:
    """The user's IP-Adapter for ``family``: a plain one before plus and face variants.

    Raises
    ------
    ModelNotFoundError
        One line: none of that family.
    """
    found = find_addons(
        index, ModelKind.IP_ADAPTER, lambda addon: addon.family in (family, ModelFamily.UNKNOWN)
    )
    if not found:
        raise ModelNotFoundError(
            f"No IP-Adapter for {family.value} among your models: add one (File > Add Model "
            "Folder, or studio models --add DIR), or name one with --reference-model NAME."
        )
    variants = ("plus", "face", "full", "light")
    ranked = sorted(found, key=lambda a: (any(w in a.name.lower() for w in variants), a.name))
    return Path(ranked[0].location)


def _read_adapter(path: Path) -> _Adapter:
    """An adapter file split as diffusers' ``load_ip_adapter`` takes a state dict."""
    tensors = load_state_dict(path)
    state: dict[str, dict[str, Any]] = {"image_proj": {}, "ip_adapter": {}}
    for name, tensor in tensors.items():
        part, dot, rest = name.partition(".")
        if dot and part in state:
            state[part][rest] = tensor
    if not state["image_proj"] or not state["ip_adapter"]:
        raise ModelLoadError(f"{path.name} holds no IP-Adapter: give an ip-adapter file.")
    digest = short_hash(path)
    shapes = {name: tuple(tensor.shape) for name, tensor in state["image_proj"].items()}
    return _Adapter(state, needed_width(shapes, path.name), f"{path.stem} [{digest}]")
