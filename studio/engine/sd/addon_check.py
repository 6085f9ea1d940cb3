"""Every add-on file a Stable Diffusion request names, found and checked before the model loads.

Loading a checkpoint takes seconds to minutes; a misspelt ControlNet name, a truncated
IP-Adapter or a named pipe where a LoRA should be must cost none of that wait. The engine
service calls :func:`check_addons` once the request's model is resolved and before it loads:
each add-on resolves through the very functions its loader uses (so the two never disagree on
which file is meant), and each file is read only as far as the model folders' scan reads it (a
safetensors header or a pickle's key list, never the tensors) and must hold the kind it is
asked for, of the model's family. The loaders keep their own checks (shapes against the loaded
UNet, LyCORIS kinds); this step moves every refusal it can make in front of the load.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from studio.domain.errors import ModelLoadError
from studio.domain.files import read_user_text
from studio.domain.json_depth import JsonRefusedError, loads_bounded
from studio.domain.model_addition import family_label
from studio.domain.model_kind import ModelKind, kind_label
from studio.domain.models import ModelFamily
from studio.domain.prompt_tags import split_lora_tags
from studio.domain.requests import GenerationRequest
from studio.domain.transparency import NATIVE
from studio.engine.addon_lookup import AddonIndex, resolve_addon
from studio.engine.model_folders.classify import classify_keys
from studio.engine.model_folders.files import file_shapes
from studio.engine.safe_load import MODEL_FILE_SUFFIXES
from studio.engine.sd.control import controlnet_path
from studio.engine.sd.hires import needs_upscaler_model
from studio.engine.sd.layerdiffuse_run import native_files
from studio.engine.sd.reference_encoder import find_image_encoder, needed_width
from studio.engine.sd.reference_images import ip_adapter_path

Shapes = Mapping[str, Sequence[int]]
_CONFIG_BYTES = 1 << 20  # a ControlNet's config.json is a few KB
_FAMILIES = (ModelFamily.SD1, ModelFamily.SD2, ModelFamily.SDXL)


def check_addons(request: GenerationRequest, family: ModelFamily, index: AddonIndex) -> None:
    """Find every add-on ``request`` names and check its file, without loading the model.

    Parameters
    ----------
    request
        The generation about to run.
    family
        The family of the model it will load (``UNKNOWN``: the lookups that choose an add-on by
        family wait for the loaded model, which knows it).
    index
        Where add-on names resolve (the model registry).

    Raises
    ------
    ModelNotFoundError
        A name or path that finds no file, or no add-on of the family where one is chosen.
    ModelLoadError, DamagedModelError, UnsafeModelError
        A file that is special, truncated, of another kind, or made for another family: one
        line naming it and what to do.
    """
    known = family if family in _FAMILIES else None
    for tag in split_lora_tags(request.prompt).loras:
        _check_lora(resolve_addon(index, ModelKind.LORA, tag.name))
    if request.has_hires and needs_upscaler_model(request.hires_upscaler):
        resolve_addon(index, ModelKind.UPSCALER, request.hires_upscaler)
    for control in request.controls:
        if known is None and not control.model:
            continue
        path = controlnet_path(index, control, family)
        if path.is_dir():
            _check_controlnet_folder(path, known)
        else:
            _check_kind(path, file_shapes(path), ModelKind.CONTROLNET, known)
    for reference in request.references:
        if known is None and not reference.model:
            continue
        path = ip_adapter_path(index, reference, family)
        shapes = file_shapes(path)
        _check_kind(path, shapes, ModelKind.IP_ADAPTER, known)
        projection = {name.removeprefix("image_proj."): shape for name, shape in shapes.items()}
        find_image_encoder(path, needed_width(projection, path.name))
    if request.transparent == NATIVE and known is not None:
        files = native_files(index, known)
        for addon in (files.patch, files.decoder):
            path = Path(addon.location)
            _check_kind(path, file_shapes(path), ModelKind.LAYERDIFFUSE, None)


def _check_lora(path: Path) -> None:
    """Refuse a file that is plainly another kind; the LoRA loader judges the rest (LyCORIS,
    family), as a LoRA layout the scan does not know may still load."""
    classified = classify_keys(file_shapes(path))
    if classified is not None and classified.kind is not ModelKind.LORA:
        raise ModelLoadError(_other_kind(path, classified.kind, ModelKind.LORA))


def _check_kind(path: Path, shapes: Shapes, kind: ModelKind, family: ModelFamily | None) -> None:
    label = kind_label(kind)
    classified = classify_keys(shapes)
    if classified is None:
        raise ModelLoadError(f"{path.name} holds no {label}: give {_a(label)} {label} file.")
    if classified.kind is not kind:
        raise ModelLoadError(_other_kind(path, classified.kind, kind))
    made_for = classified.family
    if family is not None and made_for in _FAMILIES and made_for is not family:
        raise ModelLoadError(
            f"{path.name} is {_a(label)} {label} for {family_label(made_for)}, and the model is "
            f"{family_label(family)}: use {_a(label)} {label} made for the model's family."
        )


def _check_controlnet_folder(folder: Path, family: ModelFamily | None) -> None:
    """A diffusers ControlNet folder: a ControlNet ``config.json`` and weights of that kind."""
    advice = "give a diffusers ControlNet folder (config.json and weights) or a ControlNet file."
    config = folder / "config.json"
    if not config.is_file():
        raise ModelLoadError(f"{folder.name} holds no config.json: {advice}")
    text = read_user_text(config, max_bytes=_CONFIG_BYTES, what="config", error=ModelLoadError)
    try:
        data = loads_bounded(text, max_depth=16)
    except JsonRefusedError as exc:
        raise ModelLoadError(f"config.json of {folder.name} {exc}: {advice}") from None
    if not isinstance(data, dict):
        raise ModelLoadError(f"config.json of {folder.name} is not a JSON object: {advice}")
    made = data.get("_class_name", "ControlNetModel")
    if made != "ControlNetModel":  # a UNet or VAE folder of a pipeline, given by mistake
        raise ModelLoadError(f"{folder.name} holds a {made}, not a ControlNet: {advice}")
    shapes: dict[str, Sequence[int]] = {}
    for weights in sorted(folder.iterdir()):
        if weights.suffix.lower() in MODEL_FILE_SUFFIXES:
            shapes.update(file_shapes(weights))
    _check_kind(folder, shapes, ModelKind.CONTROLNET, family)


def _other_kind(path: Path, found: ModelKind, wanted: ModelKind) -> str:
    label, other = kind_label(wanted), kind_label(found)
    return (
        f"{path.name} is {_a(other)} {other}, not {_a(label)} {label}: "
        f"give {_a(label)} {label} file."
    )


def _a(label: str) -> str:
    return "an" if label[:1] in "aeiouAEIOU" else "a"
