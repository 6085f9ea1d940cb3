"""The "Transparent background" choice: off, matte or native (LayerDiffuse) when its files exist."""

from __future__ import annotations

from tests.domain.test_transparency_modes import SD15_ATTN, SD15_DECODER
from tests.fakes import FAKE_MODEL, ScriptedEngine

TIMEOUT = 5000


def test_native_is_greyed_out_with_the_files_to_add_until_they_are_found(
    qtbot, make_window
) -> None:
    engine = ScriptedEngine(models=[FAKE_MODEL])
    window = make_window(engine)
    method = window.prompt_panel.transparent_method
    assert not method.native_offered()
    reason = method.itemData(1, 3)  # the tooltip of the native item
    assert "layer_sd15_transparent_attn.safetensors" in reason and "studio models --add" in reason
    engine.addons = [SD15_ATTN, SD15_DECODER]
    with qtbot.waitSignal(window.facade.addons_changed, timeout=TIMEOUT):
        window.facade.refresh_addons()
    assert method.native_offered() and "LayerDiffuse" in method.itemData(1, 3)


def test_the_choice_travels_in_the_request_and_the_saved_panel(qtbot, make_window) -> None:
    window = make_window(ScriptedEngine(models=[FAKE_MODEL]))
    panel, vm = window.prompt_panel, window.prompt_panel.view_model
    vm.addons = (SD15_ATTN, SD15_DECODER)
    panel.prompt_edit.setPlainText("a slime")
    panel.transparent_method.setCurrentIndex(1)
    assert vm.build_request().transparent_background is False  # the box is not ticked
    assert vm.build_request().transparent is None
    panel.transparent_check.setChecked(True)
    request = vm.build_request()
    assert (request.transparent, request.transparent_background) == ("native", True)
    saved = vm.state()
    panel.transparent_method.setCurrentIndex(0)
    assert vm.build_request().transparent is None and vm.build_request().transparent_background
    vm.restore_state(saved)
    assert panel.transparent_method.currentIndex() == 1
    # The files go away: native is greyed out and matte is chosen instead.
    vm.addons = ()
    assert panel.transparent_method.currentIndex() == 0 and vm.build_request().transparent is None
