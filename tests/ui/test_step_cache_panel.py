"""The Generate panel's Advanced group: the step cache spin box and its view-model setting."""

from __future__ import annotations

from studio.domain.requests import GenerationRequest
from studio.ui.advanced_group import STEP_CACHE_TIP
from studio.ui.viewmodels.generate import GenerateViewModel
from tests.ops.test_request_defaults import SD, builtin_vae


def test_the_spin_box_sets_the_requests_step_cache(panel) -> None:
    panel.set_models([SD])
    assert panel.select_model(SD.id)
    spin = panel.advanced_group.step_cache_spin
    assert spin.text() == "Off" and panel.view_model.build_request().step_cache == 0
    spin.setValue(3)
    assert panel.view_model.build_request().step_cache == 3
    assert "faster" in spin.toolTip() and spin.toolTip() == STEP_CACHE_TIP  # what it trades


def test_built_in_models_grey_it_out_and_do_not_use_it(panel) -> None:
    panel.set_models([builtin_vae(), SD])
    panel.advanced_group.step_cache_spin.setValue(2)
    assert panel.select_model(builtin_vae().id)
    panel.view_model.model = builtin_vae().id
    spin = panel.advanced_group.step_cache_spin
    assert not spin.isEnabled() and "no steps to cache" in spin.toolTip()
    assert panel.view_model.build_request().step_cache == 0
    assert panel.select_model(SD.id)
    panel.view_model.model = SD.id
    assert spin.isEnabled() and panel.view_model.build_request().step_cache == 2  # kept


def test_a_recipe_restores_its_step_cache_and_the_panel_saves_it() -> None:
    vm = GenerateViewModel()
    vm.apply_request(GenerationRequest(prompt="a fox", step_cache=4).to_dict())
    assert vm.step_cache == 4
    again = GenerateViewModel()
    again.restore_state(vm.state())
    assert again.step_cache == 4
