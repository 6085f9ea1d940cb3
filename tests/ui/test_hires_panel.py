"""The Generate panel's Hires fix group and its view-model settings."""

from __future__ import annotations

import numpy as np

from studio.domain.requests import GenerationRequest
from studio.imaging.png import encode_png
from studio.ui.viewmodels.generate import GenerateViewModel
from tests.ops.test_request_defaults import SD, builtin_vae


def test_the_group_turns_hires_fix_on_with_its_settings(panel) -> None:
    group, vm = panel.hires_group, panel.view_model
    assert not vm.build_request().has_hires  # off until the group is checked
    group.setChecked(True)
    group.scale_spin.setValue(1.5)
    group.upscaler_combo.setCurrentIndex(group.upscaler_combo.findData("lanczos"))
    group.steps_spin.setValue(12)
    group.denoise_spin.setValue(0.4)
    request = vm.build_request()
    assert (request.hires_scale, request.hires_upscaler, request.hires_steps) == (
        1.5,
        "lanczos",
        12,
    )
    assert request.strength == 0.4 and panel.strength_spin.value() == 0.4  # one shared setting
    group.setChecked(False)
    assert not vm.build_request().has_hires and vm.hires_scale == 1.5  # kept for next time


def test_image_to_image_ignores_hires_fix_as_a1111_does(panel) -> None:
    vm = panel.view_model
    vm.hires_enabled = True
    vm.init_image = encode_png(np.zeros((8, 8, 3), np.uint8))
    request = vm.build_request()
    assert request.is_img2img and not request.has_hires


def test_a_model_that_cannot_is_greyed_out_with_the_rules_words(panel) -> None:
    panel.set_models([builtin_vae(), SD])
    assert panel.select_model(builtin_vae().id)
    assert not panel.hires_group.isEnabled()
    assert "pick a Stable Diffusion model for hires fix" in panel.hires_group.toolTip()
    assert panel.select_model(SD.id)
    assert panel.hires_group.isEnabled()


def test_a_recipe_with_hires_fix_restores_it_and_one_without_turns_it_off(panel) -> None:
    vm = panel.view_model
    made = GenerationRequest(
        "p", seed=3, hires_width=768, hires_height=640, hires_upscaler="4x-UltraSharp"
    )
    vm.apply_request(made.to_dict())
    assert panel.hires_group.isChecked()
    assert panel.hires_group.upscaler_combo.currentData() == "4x-UltraSharp"  # listed, not lost
    rebuilt = vm.build_request()
    assert (rebuilt.hires_size, rebuilt.hires_upscaler) == ((768, 640), "4x-UltraSharp")
    vm.apply_request(GenerationRequest("p", seed=4).to_dict())
    assert not panel.hires_group.isChecked() and not vm.build_request().has_hires


def test_the_project_state_keeps_the_groups_settings(panel) -> None:
    vm = panel.view_model
    vm.hires_enabled, vm.hires_scale, vm.hires_steps = True, 3.0, 7
    other = GenerateViewModel()
    other.restore_state(vm.state())
    assert (other.hires_enabled, other.hires_scale, other.hires_steps) == (True, 3.0, 7)
    vm.hires_enabled = False
    other.restore_state(vm.state())
    assert not other.hires_enabled and other.hires_scale == 3.0
