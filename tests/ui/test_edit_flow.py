"""Canvas edits in the window: inpaint from a painted mask, outpaint with undo, variations,
make seamless, tiling options, the 3x3 view and the seam score, each from its menu action."""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data
from PySide6.QtCore import QPointF

from studio.domain.requests import GenerationRequest
from studio.imaging.decode import load_pixels
from studio.ui.edit_dialogs import OutpaintChoice, VaryChoice
from studio.ui.image_convert import qimage_from_array
from tests.ui.conftest import TIMEOUT


def _generate(qtbot, window, seed: int = 5) -> None:
    panel = window.prompt_panel
    panel.prompt_edit.setPlainText("a mossy stone")
    panel.steps_spin.setValue(2)
    panel.width_spin.setValue(32)
    panel.height_spin.setValue(32)
    panel.seed_edit.setText(str(seed))
    panel.seed_lock.setChecked(True)
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.menu_actions.generate.trigger()


def _paint(window, x: float, y: float) -> None:
    window.canvas.mask_layer.brush_size = 8
    window.canvas.mask_layer.paint(QPointF(x, y), QPointF(x, y))


def test_every_edit_action_is_in_a_menu_with_its_own_shortcut(window) -> None:
    in_menus = {
        action.text()
        for menu_action in window.menuBar().actions()
        if menu_action.menu()
        for action in menu_action.menu().actions()
    }
    actions = vars(window.edits.actions).values()
    shortcuts = [a.shortcut().toString() for a in actions]
    assert all(a.text() in in_menus for a in actions)
    assert all(shortcuts) and len(set(shortcuts)) == len(shortcuts)
    window_shortcuts = {
        s.toString() for a in window.menu_actions.__dict__.values() if hasattr(a, "shortcuts")
        for s in a.shortcuts()
    }  # fmt: skip
    assert not window_shortcuts & set(shortcuts)


def test_a_painted_mask_makes_generate_inpaint_the_canvas(qtbot, window, engine) -> None:
    _generate(qtbot, window)
    window.edits.actions.paint_mask.trigger()
    assert window.canvas.mask_mode
    _paint(window, 8, 8)
    window.edit_panel.feather_spin.setValue(2)
    window.edit_panel.tile_x.setChecked(True)
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.menu_actions.generate.trigger()
    request = engine.requests[-1]
    assert isinstance(request, GenerationRequest)
    assert request.is_inpaint and request.mask_blur == 2 and request.strength == 1.0
    assert (request.width, request.height) == (32, 32)
    assert request.tile_x and not request.tile_y and window.edits.actions.tile_x.isChecked()
    mask = load_pixels(request.mask_image, mode="RGB")[..., 0]
    assert mask[8, 8] == 255 and mask[28, 28] == 0
    entry = window.document.entry(window.history.current_entry_id)
    assert entry.recipe["request"]["mask_image_sha256"] == request.mask_image_sha256


def test_mask_edits_undo_one_step_at_a_time(qtbot, window) -> None:
    _generate(qtbot, window)
    window.edits.actions.invert_mask.trigger()
    assert not window.canvas.mask_layer.is_empty()
    window.edits.actions.clear_mask.trigger()
    assert window.canvas.mask_layer.is_empty()
    window.undo_stack.undo()
    assert not window.canvas.mask_layer.is_empty()  # the inverted (full) mask is back
    window.undo_stack.undo()
    assert window.canvas.mask_layer.is_empty()


def test_outpaint_grows_the_canvas_generates_and_undo_restores_it(qtbot, window, engine) -> None:
    _generate(qtbot, window)
    choice = OutpaintChoice((0, 0, 16, 8), "blur", generate_now=True)
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        assert window.edits.outpaint(choice)
    request = engine.requests[-1]
    assert (request.width, request.height) == (48, 40)
    assert request.outpaint == (0, 0, 16, 8) and request.outpaint_fill == "blur"
    mask = load_pixels(request.mask_image, mode="RGB")[..., 0]
    assert mask[:, 40:].min() == 255 and mask[:24, :24].max() == 0
    first = min(e.id for e in window.history_model.entries())
    window.history.show_entry(first)
    window.edits.outpaint(OutpaintChoice((8, 0, 0, 0), "edge", generate_now=False))
    assert window.canvas.image().width() == 40
    window.undo_stack.undo()
    assert window.canvas.image().width() == 32 and window.canvas.mask_layer.is_empty()


def test_vary_this_image_queues_n_variations_of_its_seed(qtbot, window, engine) -> None:
    _generate(qtbot, window, seed=77)
    window.edits.ask_vary = lambda: VaryChoice(3, 0.25)
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.edits.actions.vary.trigger()
    request = engine.requests[-1]
    assert request.seed == 77 and request.batch_count == 3
    assert request.variation_strength == 0.25 and request.variation_seed is not None
    assert len(window.history_model.entries()) == 4


def test_make_seamless_adds_a_tile_entry_and_shows_its_seam_score(qtbot, window) -> None:
    photo = np.ascontiguousarray(skimage.data.immunohistochemistry()[:128, :128])
    window.canvas.set_image(qimage_from_array(photo))
    seam_label = window.findChild(type(window.status.phase_label), "seamScore")
    window.edits.update_seam_score()
    assert seam_label.text() == ""  # no tiling in play: no score to puzzle over
    window.edits.actions.tiled_view.setChecked(True)
    assert (
        float(window.findChild(type(window.status.phase_label), "seamScore").text().split()[2]) > 2
    )
    with qtbot.waitSignal(window.edits.edit_ended, timeout=TIMEOUT):  # a CPU-lane job
        window.edits.actions.make_seamless.trigger()
    entry = window.document.entry(window.history.current_entry_id)
    assert entry.kind == "tile" and entry.recipe["request_type"] == "SeamlessRequest"
    assert entry.recipe["extra"]["Seam score X"] < 1.25
    label = window.findChild(type(window.status.phase_label), "seamScore").text()
    assert label.startswith("Seam x ") and float(label.split()[2]) < 1.25
    assert window.edits.actions.tile_x.isChecked() and window.edits.actions.tile_y.isChecked()
    assert not window.canvas.mask_layer.is_empty()  # the wrap edges are masked for a model pass


def test_tiled_view_toggle(qtbot, window) -> None:
    _generate(qtbot, window)
    window.edits.actions.tiled_view.trigger()
    assert window.canvas.tiled_view and window.canvas.sceneRect().width() == 96
    window.edits.actions.tiled_view.trigger()
    assert not window.canvas.tiled_view


@pytest.mark.parametrize("action", ["outpaint", "make_seamless"])
def test_edits_without_an_image_explain(window, action) -> None:
    getattr(window.edits.actions, action).trigger()
    assert "Show an image" in window.notice.text()
