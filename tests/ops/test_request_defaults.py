"""A model's request defaults come from one function, and every face takes them from it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from studio.domain.models import ModelFamily, ModelFormat, ModelInfo, ModelSource
from studio.domain.requests import GenerationRequest
from studio.engine.builtin import discover_builtin_models
from studio.ops.request_defaults import (
    TURBO_CFG,
    TURBO_STEPS,
    complete_request,
    defaults_for,
)

SD = ModelInfo(
    id="/models/scene.safetensors",
    name="Scene",
    family=ModelFamily.SDXL,
    source=ModelSource.USER,
    format=ModelFormat.SAFETENSORS,
    default_size=(1024, 1024),
)
TURBO = replace(SD, id="/models/turbo.safetensors", name="Turbo", is_turbo=True)


def builtin_vae() -> ModelInfo:
    """The shipped built-in VAE, as the registry describes it."""
    found = {info.id: info for info in discover_builtin_models()}
    if "builtin-vae" not in found:
        pytest.skip("the built-in models are not shipped in this checkout")
    return found["builtin-vae"]


def test_an_ordinary_model_starts_from_the_request_defaults_at_its_own_size() -> None:
    defaults = defaults_for(SD)
    plain = GenerationRequest(prompt="x")
    assert (defaults.steps, defaults.cfg_scale, defaults.sampler) == (
        plain.steps,
        plain.cfg_scale,
        plain.sampler,
    )
    assert (defaults.width, defaults.height) == (1024, 1024)
    assert defaults.specific_fields() == {"width": 1024, "height": 1024}


def test_a_turbo_model_sets_few_steps_and_no_guidance_as_its_own() -> None:
    defaults = defaults_for(TURBO)
    assert (defaults.steps, defaults.cfg_scale) == (TURBO_STEPS, TURBO_CFG)
    assert set(defaults.specific_fields()) == {"width", "height", "steps", "cfg_scale"}


def test_what_the_user_gave_wins_and_none_means_not_given() -> None:
    values = complete_request({"prompt": "x", "steps": 9, "cfg_scale": None}, TURBO)
    assert values["steps"] == 9 and values["cfg_scale"] == TURBO_CFG
    assert values["model"] == TURBO.id
    assert GenerationRequest(**values).width == 1024


def test_the_builtin_vae_gets_its_sprite_size() -> None:
    info = builtin_vae()
    assert (defaults_for(info).width, defaults_for(info).height) == info.default_size
    assert info.default_size[0] < 512
