"""What a request gets from its model when the user does not say: one rule for every face.

A model made for 64 px sprites and one made for 1024 px scenes need other sizes, and few-step
models (LCM, Turbo, Lightning, Hyper-SD: :mod:`studio.domain.few_step`) are meant for their own
sampler, a few steps and little or no guidance, whether the model is such a checkpoint or the
prompt tags such a LoRA. The prompt panel (when a model is picked), ``studio generate`` and
``studio batch`` all take these values from :func:`defaults_for` and :func:`complete_request`,
so the same model starts from the same request wherever it is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from studio.domain.few_step import (
    PRESET_FIELDS,
    FewStepPreset,
    preset_for_loras,
    preset_for_name,
)
from studio.domain.models import ModelFamily, ModelInfo
from studio.domain.prompt_tags import lora_tag_spans
from studio.domain.requests import GenerationRequest


@dataclass(frozen=True)
class RequestDefaults:
    """The request fields a model decides when the user leaves them unset.

    Parameters
    ----------
    width, height
        The model's native size.
    sampler, steps, cfg_scale
        The sampling settings to start from.
    model_specific
        Names of the fields this model sets apart from any model (the size always; sampler,
        steps and guidance for a few-step checkpoint). The GUI replaces only these when
        another model is picked, so steps the user chose survive a switch between two
        ordinary models.
    """

    width: int
    height: int
    sampler: str
    steps: int
    cfg_scale: float
    model_specific: frozenset[str]

    def fields(self) -> dict[str, object]:
        """Every default as request fields (``{"width": 64, "steps": 25, ...}``)."""
        return {name: getattr(self, name) for name in ("width", "height", *PRESET_FIELDS)}

    def specific_fields(self) -> dict[str, object]:
        """Only the defaults named in :attr:`model_specific`."""
        return {name: value for name, value in self.fields().items() if name in self.model_specific}


def defaults_for(model: ModelInfo) -> RequestDefaults:
    """The request defaults of ``model``.

    Parameters
    ----------
    model
        The model the request will run on.
    """
    specific = {"width", "height"}
    # Any other model starts from the request's own defaults (the A1111 ones).
    sampler, steps = GenerationRequest.sampler, GenerationRequest.steps
    cfg_scale = GenerationRequest.cfg_scale
    preset = checkpoint_preset(model)
    if preset is not None:
        # Distilled for a few steps: at 25 steps and CFG 7 the image burns.
        sampler, steps, cfg_scale = preset.sampler, preset.steps, preset.cfg_scale
        specific |= set(PRESET_FIELDS)
    width, height = model.default_size
    return RequestDefaults(
        width=width,
        height=height,
        sampler=sampler,
        steps=steps,
        cfg_scale=cfg_scale,
        model_specific=frozenset(specific),
    )


def checkpoint_preset(model: ModelInfo) -> FewStepPreset | None:
    """The few-step preset of ``model`` itself (an LCM, Turbo, Lightning or Hyper-SD
    checkpoint), or ``None``; only Stable Diffusion models are read."""
    if model.family is ModelFamily.BUILTIN or "steps" not in model.controls:
        return None
    for name in (model.name, PurePath(model.id).name, model.id):
        preset = preset_for_name(name, "checkpoint")
        if preset is not None:
            return preset
    # Found Turbo by its detector (the file's name), under a name the user gave it.
    return preset_for_name("turbo", "checkpoint") if model.is_turbo else None


def request_preset(prompt: str, model: ModelInfo) -> FewStepPreset | None:
    """The preset a request with ``prompt`` on ``model`` follows: a few-step LoRA the prompt
    tags (``<lora:sdxl_lightning_4step_lora:1>``) first, else the checkpoint's own."""
    if model.family is ModelFamily.BUILTIN:
        return None  # LoRAs apply to Stable Diffusion models only
    tags = (tag for _, _, tag in lora_tag_spans(prompt) if tag is not None)
    return preset_for_loras(tag.name for tag in tags) or checkpoint_preset(model)


def few_step_note(values: Mapping[str, Any], model: ModelInfo) -> str | None:
    """The line saying which few-step preset :func:`complete_request` followed (and which of
    the user's own values it kept), or ``None`` when the request follows none."""
    preset = request_preset(str(values.get("prompt") or ""), model)
    if preset is None:
        return None
    return preset.note(kept=[name for name in PRESET_FIELDS if values.get(name) is not None])


def complete_request(values: Mapping[str, Any], model: ModelInfo) -> dict[str, Any]:
    """``values`` (what the user set) completed with ``model``'s id and defaults.

    A value the user gave always wins; a field missing from ``values`` (or ``None``) takes
    the few-step preset's value (:func:`request_preset`), else the model's default.
    """
    given = {name: value for name, value in values.items() if value is not None}
    preset = request_preset(str(values.get("prompt") or ""), model)
    preset_fields = preset.fields() if preset is not None else {}
    return {**defaults_for(model).fields(), **preset_fields, **given, "model": model.id}
