"""The Generate panel takes a few-step LoRA's or checkpoint's preset and shows its note."""

from __future__ import annotations

import pytest

from studio.ui.prompt_panel import PromptPanel
from studio.ui.viewmodels.generate import GenerateViewModel
from tests.ops.test_request_defaults import SD, TURBO

LIGHTNING = "a knight <lora:sdxl_lightning_4step_lora:1>"
NOTE = "Lightning 4-step LoRA: 4 steps, CFG 1, Euler trailing"


@pytest.fixture
def panel(panel: PromptPanel) -> PromptPanel:
    """The shared prompt panel, offering an ordinary and a few-step model."""
    panel.set_models([SD, TURBO])
    return panel


def _sampling(vm: GenerateViewModel) -> tuple[str, int, float]:
    request = vm.build_request()
    return request.sampler, request.steps, request.cfg_scale


def test_tagging_a_lightning_lora_sets_its_preset_and_the_note_beside_the_steps(panel) -> None:
    vm = panel.view_model
    vm.prompt = LIGHTNING
    assert _sampling(vm) == ("Euler trailing", 4, 1.0)
    assert vm.few_step_note == NOTE
    assert panel.few_step_label.text() == NOTE


def test_steps_the_user_sets_after_the_preset_are_kept(panel) -> None:
    vm = panel.view_model
    vm.prompt = LIGHTNING
    vm.steps = 6
    vm.prompt = LIGHTNING + ", castle"  # the same preset: nothing is applied again
    assert _sampling(vm) == ("Euler trailing", 6, 1.0)


def test_deleting_the_tag_gives_back_the_models_settings_and_clears_the_note(panel) -> None:
    vm = panel.view_model
    before = _sampling(vm)
    vm.prompt = LIGHTNING
    vm.prompt = "a knight"
    assert _sampling(vm) == before
    assert vm.few_step_note == "" and panel.few_step_label.text() == ""


def test_a_turbo_checkpoint_shows_its_note(panel) -> None:
    vm = panel.view_model
    vm.model = TURBO.id
    assert _sampling(vm) == ("Euler a trailing", 4, 0.0)
    assert vm.few_step_note == "Turbo 4-step checkpoint: 4 steps, CFG 0, Euler a trailing"


def test_a_restored_recipe_keeps_its_own_steps(panel) -> None:
    vm = panel.view_model
    vm.apply_request({"prompt": LIGHTNING, "steps": 8, "sampler": "LCM", "cfg_scale": 1.5})
    assert _sampling(vm) == ("LCM", 8, 1.5)
