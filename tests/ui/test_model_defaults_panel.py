"""The prompt panel takes a picked model's defaults from
:func:`studio.ops.request_defaults.defaults_for`, as ``studio generate`` and batches do."""

from __future__ import annotations

from dataclasses import replace

import pytest

from studio.ops.request_defaults import defaults_for
from studio.ui.prompt_panel import PromptPanel
from tests.ops.test_request_defaults import SD, TURBO, builtin_vae


def _shown(panel: PromptPanel) -> dict[str, object]:
    request = panel.view_model.build_request()
    return {name: getattr(request, name) for name in defaults_for(SD).fields()}


@pytest.mark.parametrize("model", ["turbo", "builtin-vae"])
def test_a_fresh_panel_shows_the_models_defaults(panel, model) -> None:
    info = TURBO if model == "turbo" else builtin_vae()
    panel.set_models([info, SD])
    assert _shown(panel) == defaults_for(info).fields()


def test_picking_a_model_applies_what_it_sets_apart(panel) -> None:
    panel.set_models([SD, TURBO])
    panel.view_model.steps = 40
    _activate(panel, TURBO.id)
    assert _shown(panel) == defaults_for(TURBO).fields()


def test_the_users_steps_survive_a_switch_between_ordinary_models(panel) -> None:
    portrait = replace(SD, id="/models/portrait.safetensors", default_size=(512, 768))
    panel.set_models([SD, portrait])
    panel.view_model.steps = 40
    _activate(panel, portrait.id)
    vm = panel.view_model
    assert (vm.steps, vm.width, vm.height) == (40, 512, 768)


def _activate(panel: PromptPanel, model_id: str) -> None:
    """Pick ``model_id`` as a user does (the combo's ``activated``, not a program's select)."""
    assert panel.select_model(model_id)
    panel.model_combo.activated.emit(panel.model_combo.currentIndex())
