"""A model's request defaults come from one function, and every face takes them from it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from studio.domain.models import ModelFamily, ModelFormat, ModelInfo, ModelSource
from studio.domain.requests import GenerationRequest
from studio.engine.builtin import discover_builtin_models
from studio.ops.request_defaults import (
    complete_request,
    defaults_for,
    few_step_note,
    request_preset,
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
# Turbo's preset: Euler a on trailing timesteps, 4 steps, no guidance (SDXL-Turbo's card).
TURBO_SAMPLING = {"sampler": "Euler a trailing", "steps": 4, "cfg_scale": 0.0}
LIGHTNING = "a knight <lora:sdxl_lightning_4step_lora:1>"


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


def test_a_turbo_model_sets_its_sampler_few_steps_and_no_guidance_as_its_own() -> None:
    defaults = defaults_for(TURBO)
    assert {name: defaults.fields()[name] for name in TURBO_SAMPLING} == TURBO_SAMPLING
    assert set(defaults.specific_fields()) == {"width", "height", "sampler", "steps", "cfg_scale"}


def test_a_turbo_checkpoint_is_found_by_its_file_name_too() -> None:
    named = replace(SD, id="/models/sd_xl_turbo_1.0_fp16.safetensors", name="Fast")
    assert defaults_for(named).steps == 4 and defaults_for(named).cfg_scale == 0.0


def test_what_the_user_gave_wins_and_none_means_not_given() -> None:
    values = complete_request({"prompt": "x", "steps": 9, "cfg_scale": None}, TURBO)
    assert values["steps"] == 9 and values["cfg_scale"] == TURBO_SAMPLING["cfg_scale"]
    assert values["model"] == TURBO.id
    assert GenerationRequest(**values).width == 1024


def test_the_builtin_vae_gets_its_sprite_size() -> None:
    info = builtin_vae()
    assert (defaults_for(info).width, defaults_for(info).height) == info.default_size
    assert info.default_size[0] < 512


def test_a_few_step_lora_in_the_prompt_sets_sampler_steps_and_cfg() -> None:
    request = GenerationRequest(**complete_request({"prompt": LIGHTNING}, SD))
    assert (request.sampler, request.steps, request.cfg_scale) == ("Euler trailing", 4, 1.0)
    assert few_step_note({"prompt": LIGHTNING}, SD) == (
        "Lightning 4-step LoRA: 4 steps, CFG 1, Euler trailing"
    )


def test_the_users_explicit_steps_survive_the_lora_preset_and_the_note_says_so() -> None:
    given = {"prompt": LIGHTNING, "steps": 6, "cfg_scale": None, "sampler": None}
    request = GenerationRequest(**complete_request(given, SD))
    assert (request.sampler, request.steps, request.cfg_scale) == ("Euler trailing", 6, 1.0)
    assert few_step_note(given, SD) == (
        "Lightning 4-step LoRA: CFG 1, Euler trailing (your steps kept)"
    )


def test_a_lora_preset_comes_before_the_checkpoint_one_and_plain_prompts_get_none() -> None:
    preset = request_preset("<lora:lcm-lora-sdxl>", TURBO)
    assert preset is not None and preset.family == "LCM"
    assert request_preset("a knight <lora:pixel-art-xl:0.8>", SD) is None
    assert few_step_note({"prompt": "a knight"}, SD) is None
    # An unreadable tag is the engine's to report; it picks no preset here.
    assert request_preset("<lora::x>", SD) is None


def test_the_builtin_models_never_take_a_preset() -> None:
    info = builtin_vae()
    assert request_preset(LIGHTNING, info) is None
    assert defaults_for(replace(info, name="turbo-vae")).steps == GenerationRequest.steps
