"""The Style view-model builds the whole request without a widget; the panel follows it."""

from __future__ import annotations

import pytest

from studio.domain.errors import InvalidRequestError
from studio.ui.style_panel import StylePanel
from studio.ui.viewmodels.style import ChosenStyle, StyleViewModel

PNG = b"\x89PNG fake style"


def test_the_blend_builds_presets_then_images_with_their_weights(qtbot) -> None:
    vm = StyleViewModel()
    vm.add_style(ChosenStyle("starry.png", image=PNG))
    vm.add_style(ChosenStyle("Mosaic", preset=2))
    vm.set_weight(0, 3.0)
    vm.strength, vm.max_size, vm.method = 0.5, 0, "iterative"
    request = vm.build_request(b"source", "history #1", None)
    assert request.presets == (2,) and request.style_labels == ("starry.png",)
    assert request.weights == (1.0, 3.0)  # presets first, each with its own weight
    assert (request.strength, request.max_size, request.method) == (0.5, None, "iterative")


def test_removing_a_style_keeps_the_others_weights(qtbot) -> None:
    vm = StyleViewModel()
    for index in range(3):
        vm.add_style(ChosenStyle(f"p{index}", preset=index))
        vm.set_weight(index, float(index + 1))
    vm.remove_style(0)
    assert [s.preset for s in vm.styles] == [1, 2] and vm.weights == (2.0, 3.0)


def test_at_most_four_styles_and_a_preset_click_toggles(qtbot) -> None:
    vm = StyleViewModel()
    assert all(vm.add_style(ChosenStyle(f"p{i}", preset=i)) for i in range(4))
    assert not vm.add_style(ChosenStyle("fifth", preset=9))
    vm.toggle_preset(1, "p1")
    assert [s.preset for s in vm.styles] == [0, 2, 3]


def test_no_style_is_one_clear_error(qtbot) -> None:
    with pytest.raises(InvalidRequestError):
        StyleViewModel().build_request(b"source", "history #1", None)


def test_the_panel_shows_and_edits_the_view_model(qtbot) -> None:
    vm = StyleViewModel()
    panel = StylePanel(vm)
    qtbot.addWidget(panel)
    vm.add_style(ChosenStyle("a", preset=0))
    vm.add_style(ChosenStyle("b", preset=1))
    assert len(panel.weight_spins()) == 2 and len(panel.blend_labels()) == 2
    panel.weight_spins()[1].setValue(4.0)
    panel.preserve_colors.setChecked(True)
    vm.iterations = 50
    assert vm.weights == (1.0, 4.0) and vm.preserve_colors
    assert panel.iterations_spin.value() == 50
