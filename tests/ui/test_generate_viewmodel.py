"""The prompt panel's view-model: signals only on real changes, widgets bound both ways,
restoring through GenerationRequest.from_dict."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from studio.domain.errors import InvalidRequestError
from studio.domain.models import ModelFamily, ModelFormat, ModelInfo, ModelSource
from studio.imaging.png import encode_png
from studio.ui.edit_panel import EditPanel
from studio.ui.prompt_panel import PromptPanel
from studio.ui.viewmodels.generate import CanvasSnapshot, GenerateViewModel


def _model(model_id: str) -> ModelInfo:
    return ModelInfo(
        id=model_id,
        name=model_id.title(),
        family=ModelFamily.SD1,
        source=ModelSource.USER,
        format=ModelFormat.SAFETENSORS,
        location=f"/models/{model_id}.safetensors",
        default_size=(512, 512),
    )


def test_a_signal_fires_only_when_the_value_really_changes(qtbot) -> None:
    settings = GenerateViewModel()
    seen: list[object] = []
    settings.steps_changed.connect(seen.append)
    settings.steps = 25  # the default: no change
    settings.steps = 30
    settings.steps = 30
    settings.prompt = ""
    assert seen == [30]


def test_widgets_and_settings_follow_each_other(panel) -> None:
    panel.view_model.steps = 12
    panel.view_model.prompt = "a red dragon"
    panel.view_model.seed = 42
    assert panel.steps_spin.value() == 12
    assert panel.prompt_edit.toPlainText() == "a red dragon"
    assert panel.seed_edit.text() == "42"
    panel.cfg_spin.setValue(3.5)
    panel.negative_edit.setPlainText("blurry")
    panel.seed_lock.setChecked(True)
    assert panel.view_model.cfg_scale == 3.5 and panel.view_model.negative_prompt == "blurry"
    request = panel.view_model.build_request()
    assert (request.steps, request.cfg_scale, request.seed) == (12, 3.5, 42)


def test_a_stored_request_is_checked_by_the_request_rules(panel) -> None:
    panel.view_model.prompt = "kept"
    with pytest.raises(InvalidRequestError, match=r"[Ss]teps"):
        panel.view_model.apply_request({"prompt": "a castle", "steps": 100_000})
    assert panel.view_model.prompt == "kept" and panel.prompt_edit.toPlainText() == "kept"


def test_only_the_keys_a_recipe_names_change(panel) -> None:
    panel.view_model.batch_count = 4
    panel.view_model.apply_request({"prompt": "a castle", "seed": 7, "sampler": "euler_a"})
    assert panel.view_model.batch_count == 4 and panel.batch_spin.value() == 4
    assert panel.view_model.sampler == "Euler a"  # from_dict gives the canonical name
    assert panel.view_model.seed == 7 and panel.view_model.seed_locked


def test_a_restored_model_waits_for_the_listing_that_offers_it(panel) -> None:
    panel.view_model.restore_state({"model": "castle", "prompt": "x"})
    panel.set_models([_model("plain")])
    assert panel.view_model.build_request().model == "plain"  # what the panel shows is what it uses
    panel.set_models([_model("plain"), _model("castle")])
    assert panel.model_combo.currentData() == "castle" and panel.view_model.model == "castle"


def test_state_round_trips_through_a_new_panel(panel, qtbot) -> None:
    panel.set_models([_model("plain")])
    panel.view_model.prompt = "a potion"
    panel.view_model.width = 768
    panel.view_model.seed = 9
    panel.view_model.seed_locked = False
    state = panel.view_model.state()
    other = PromptPanel(GenerateViewModel())
    qtbot.addWidget(other)
    other.set_models([_model("plain")])
    other.view_model.restore_state(state)
    assert other.view_model.state() == state
    assert other.width_spin.value() == 768 and not other.seed_lock.isChecked()


def test_the_edges_control_sets_the_alpha_mode_for_builtin_models(panel) -> None:
    builtin = ModelInfo(
        id="builtin-vae",
        name="Built-in sprites",
        family=ModelFamily.BUILTIN,
        source=ModelSource.BUILTIN,
        format=ModelFormat.BUILTIN,
        location="/models/builtin-vae",
        default_size=(64, 64),
    )
    panel.set_models([builtin, _model("plain")])
    assert panel.alpha_combo.isEnabled() and panel.view_model.build_request().alpha == "crisp"
    panel.alpha_combo.setCurrentIndex(panel.alpha_combo.findData("soft"))
    assert panel.view_model.alpha == "soft" and panel.view_model.build_request().alpha == "soft"
    panel.view_model.apply_request({"prompt": "x", "alpha": "crisp"})
    assert panel.alpha_combo.currentData() == "crisp"
    panel.select_model("plain")
    assert not panel.alpha_combo.isEnabled()


# -- the whole request, canvas edits included, without a widget ---------------------------


def _canvas(height: int = 48, width: int = 40) -> CanvasSnapshot:
    pixels = np.zeros((height, width, 4), dtype=np.uint8)
    pixels[..., 3] = 255
    return CanvasSnapshot(mask_png=encode_png(np.full((height, width, 4), 255, np.uint8)),
                          pixels=pixels)  # fmt: skip


def test_tiling_is_part_of_the_request(qtbot) -> None:
    vm = GenerateViewModel()
    vm.tile_x = True
    request = vm.build_request()
    assert request.tile_x and not request.tile_y and request.mask_image is None


def test_a_painted_mask_inpaints_the_canvas_at_its_size(qtbot) -> None:
    vm = GenerateViewModel()
    vm.mask_blur, vm.outpaint = 2, ((8, 0, 0, 0), "edge")
    request = vm.build_request(_canvas())
    assert (request.width, request.height) == (40, 48)
    assert request.mask_image is not None and request.init_image is not None
    assert request.strength == 1.0 and request.mask_blur == 2
    assert request.outpaint == (8, 0, 0, 0)


def test_only_masked_keeps_the_chosen_size(qtbot) -> None:
    vm = GenerateViewModel()
    vm.only_masked, vm.only_masked_padding = True, 16
    request = vm.build_request(_canvas())
    assert (request.width, request.height) == (512, 512)
    assert request.only_masked and request.only_masked_padding == 16


def test_a_mask_without_an_image_is_one_clear_error(qtbot) -> None:
    vm = GenerateViewModel()
    with pytest.raises(InvalidRequestError, match="show an image first"):
        vm.build_request(CanvasSnapshot(mask_png=b"mask", pixels=None))


def test_the_edit_panel_is_bound_to_the_view_model(qtbot) -> None:
    vm = GenerateViewModel()
    panel = EditPanel(vm)
    qtbot.addWidget(panel)
    panel.feather_spin.setValue(9)
    panel.tile_y.setChecked(True)
    vm.only_masked = True
    assert vm.mask_blur == 9 and vm.tile_y and panel.only_masked.isChecked()


def test_a_models_defaults_change_only_what_it_sets_apart(qtbot) -> None:
    vm = GenerateViewModel()
    vm.steps = 40
    portrait = replace(_model("portrait"), default_size=(512, 768))
    vm.take_model_defaults(portrait)
    assert (vm.steps, vm.width, vm.height) == (40, 512, 768)


def test_the_model_list_is_the_view_models(panel) -> None:
    panel.set_models([_model("plain")])
    assert [m.id for m in panel.view_model.models] == ["plain"]
    panel.view_model.models = (_model("plain"), _model("castle"))
    assert panel.model_combo.count() == 2 and panel.has_models()
