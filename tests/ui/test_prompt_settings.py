"""The prompt panel's view-model: signals only on real changes, widgets bound both ways,
restoring through GenerationRequest.from_dict."""

from __future__ import annotations

import pytest

from studio.domain.errors import InvalidRequestError
from studio.domain.models import ModelFamily, ModelFormat, ModelInfo, ModelSource
from studio.ui.prompt_panel import PromptPanel
from studio.ui.prompt_settings import PromptSettings


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


@pytest.fixture
def panel(qtbot) -> PromptPanel:
    widget = PromptPanel()
    qtbot.addWidget(widget)
    return widget


def test_a_signal_fires_only_when_the_value_really_changes(qtbot) -> None:
    settings = PromptSettings()
    seen: list[object] = []
    settings.steps_changed.connect(seen.append)
    settings.steps = 25  # the default: no change
    settings.steps = 30
    settings.steps = 30
    settings.prompt = ""
    assert seen == [30]


def test_widgets_and_settings_follow_each_other(panel) -> None:
    panel.settings.steps = 12
    panel.settings.prompt = "a red dragon"
    panel.settings.seed = 42
    assert panel.steps_spin.value() == 12
    assert panel.prompt_edit.toPlainText() == "a red dragon"
    assert panel.seed_edit.text() == "42"
    panel.cfg_spin.setValue(3.5)
    panel.negative_edit.setPlainText("blurry")
    panel.seed_lock.setChecked(True)
    assert panel.settings.cfg_scale == 3.5 and panel.settings.negative_prompt == "blurry"
    request = panel.build_request()
    assert (request.steps, request.cfg_scale, request.seed) == (12, 3.5, 42)


def test_a_stored_request_is_checked_by_the_request_rules(panel) -> None:
    panel.settings.prompt = "kept"
    with pytest.raises(InvalidRequestError, match=r"[Ss]teps"):
        panel.apply_request({"prompt": "a castle", "steps": 100_000})
    assert panel.settings.prompt == "kept" and panel.prompt_edit.toPlainText() == "kept"


def test_only_the_keys_a_recipe_names_change(panel) -> None:
    panel.settings.batch_count = 4
    panel.apply_request({"prompt": "a castle", "seed": 7, "sampler": "euler_a"})
    assert panel.settings.batch_count == 4 and panel.batch_spin.value() == 4
    assert panel.settings.sampler == "Euler a"  # from_dict gives the canonical name
    assert panel.settings.seed == 7 and panel.settings.seed_locked


def test_a_restored_model_waits_for_the_listing_that_offers_it(panel) -> None:
    panel.restore_state({"model": "castle", "prompt": "x"})
    panel.set_models([_model("plain")])
    assert panel.build_request().model == "plain"  # what the panel shows is what it uses
    panel.set_models([_model("plain"), _model("castle")])
    assert panel.model_combo.currentData() == "castle" and panel.settings.model == "castle"


def test_state_round_trips_through_a_new_panel(panel, qtbot) -> None:
    panel.set_models([_model("plain")])
    panel.settings.prompt = "a potion"
    panel.settings.width = 768
    panel.settings.seed = 9
    panel.settings.seed_locked = False
    state = panel.state()
    other = PromptPanel()
    qtbot.addWidget(other)
    other.set_models([_model("plain")])
    other.restore_state(state)
    assert other.state() == state
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
    assert panel.alpha_combo.isEnabled() and panel.build_request().alpha == "crisp"
    panel.alpha_combo.setCurrentIndex(panel.alpha_combo.findData("soft"))
    assert panel.settings.alpha == "soft" and panel.build_request().alpha == "soft"
    panel.apply_request({"prompt": "x", "alpha": "crisp"})
    assert panel.alpha_combo.currentData() == "crisp"
    panel.select_model("plain")
    assert not panel.alpha_combo.isEnabled()
