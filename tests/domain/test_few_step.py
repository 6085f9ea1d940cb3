"""Few-step models are recognised from the names their authors publish, with their settings."""

from __future__ import annotations

import pytest

from studio.domain.few_step import FAMILIES, preset_for_loras, preset_for_name
from studio.domain.requests import GenerationRequest
from studio.domain.samplers import SAMPLER_NAMES

# (published file or repo name, family, sampler, steps, CFG): from each model card.
PUBLISHED = [
    ("lcm-lora-sdv1-5", "LCM", "LCM", 4, 1.0),
    ("lcm-lora-sdxl.safetensors", "LCM", "LCM", 4, 1.0),
    ("latent-consistency/lcm-lora-ssd-1b", "LCM", "LCM", 4, 1.0),
    ("LCM_Dreamshaper_v7", "LCM", "LCM", 4, 1.0),
    ("sd_xl_turbo_1.0_fp16.safetensors", "Turbo", "Euler a trailing", 4, 0.0),
    ("stabilityai/sd-turbo", "Turbo", "Euler a trailing", 4, 0.0),
    ("sdxl_lightning_2step_lora.safetensors", "Lightning", "Euler trailing", 2, 1.0),
    ("sdxl_lightning_4step_lora.safetensors", "Lightning", "Euler trailing", 4, 1.0),
    ("sdxl_lightning_8step_unet.safetensors", "Lightning", "Euler trailing", 8, 1.0),
    ("sdxl_lightning_4step.safetensors", "Lightning", "Euler trailing", 4, 1.0),
    ("juggernautXL_v9Rdphoto2Lightning", "Lightning", "Euler trailing", 4, 1.0),
    ("Hyper-SD15-1step-lora.safetensors", "Hyper-SD", "DDIM trailing", 1, 1.0),
    ("Hyper-SDXL-2steps-lora.safetensors", "Hyper-SD", "DDIM trailing", 2, 1.0),
    ("Hyper-SDXL-4steps-lora", "Hyper-SD", "DDIM trailing", 4, 1.0),
    ("Hyper-SD15-8steps-lora.safetensors", "Hyper-SD", "DDIM trailing", 8, 1.0),
    ("Hyper-SDXL-8steps-CFG-lora.safetensors", "Hyper-SD", "DDIM trailing", 8, 5.0),
    ("Hyper-SD15-12steps-CFG-lora", "Hyper-SD", "DDIM trailing", 12, 5.0),
]


@pytest.mark.parametrize(("name", "family", "sampler", "steps", "cfg"), PUBLISHED)
def test_each_published_name_gets_its_family_and_settings(name, family, sampler, steps, cfg):
    preset = preset_for_name(name, "LoRA")
    assert preset is not None
    assert (preset.family, preset.sampler, preset.steps, preset.cfg_scale) == (
        family,
        sampler,
        steps,
        cfg,
    )


@pytest.mark.parametrize(
    "name", ["pixel-art-xl", "v1-5-pruned-emaonly", "dreamshaper_8", "clcmarker", "flashy"]
)
def test_ordinary_names_get_no_preset(name: str) -> None:
    assert preset_for_name(name, "checkpoint") is None


def test_every_preset_is_a_valid_request() -> None:
    for family in FAMILIES:
        assert family.sampler in SAMPLER_NAMES
        preset = preset_for_name(f"my-{family.name}-model", "LoRA")
        assert preset is not None and preset.family == family.name
        request = GenerationRequest(prompt="x", **preset.fields())  # type: ignore[arg-type]
        assert (request.sampler, request.steps) == (family.sampler, family.steps)


def test_the_first_few_step_lora_of_the_prompt_decides() -> None:
    preset = preset_for_loras(["pixel-art-xl", "sdxl_lightning_8step_lora", "lcm-lora-sdxl"])
    assert preset is not None and preset.family == "Lightning" and preset.steps == 8
    assert preset_for_loras(["pixel-art-xl"]) is None


def test_the_note_says_what_was_set_and_what_the_user_kept() -> None:
    preset = preset_for_name("sdxl_lightning_4step_lora", "LoRA")
    assert preset is not None
    assert preset.note() == "Lightning 4-step LoRA: 4 steps, CFG 1, Euler trailing"
    assert preset.note(kept=["steps"]) == (
        "Lightning 4-step LoRA: CFG 1, Euler trailing (your steps kept)"
    )
    turbo = preset_for_name("sdxl-turbo", "checkpoint")
    assert turbo is not None and turbo.note() == (
        "Turbo 4-step checkpoint: 4 steps, CFG 0, Euler a trailing"
    )
