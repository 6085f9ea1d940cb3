"""State stays with what it belongs to (RELIABILITY 26): history picks, undo, filtering."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from studio.engine.builtin import discover_builtin_models
from studio.ui.edit_dialogs import OutpaintChoice
from tests.fakes import FAKE_MODEL, ScriptedEngine
from tests.ui.conftest import TIMEOUT


def _generate(qtbot, window, prompt: str, seed: int) -> int:
    panel = window.prompt_panel
    panel.prompt_edit.setPlainText(prompt)
    panel.steps_spin.setValue(2)
    panel.width_spin.setValue(16)
    panel.height_spin.setValue(16)
    panel.seed_edit.setText(str(seed))
    panel.seed_lock.setChecked(True)
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.menu_actions.generate.trigger()
    return window.history.current_entry_id


def _recipe_shown(window) -> tuple[str, str]:
    panel = window.prompt_panel
    return panel.prompt_edit.toPlainText(), panel.seed_edit.text()


def test_undo_of_a_style_result_restores_the_recipe_of_its_source(qtbot, window) -> None:
    seven = _generate(qtbot, window, "seven", seed=7)
    _generate(qtbot, window, "ten", seed=10)
    qtbot.waitUntil(lambda: window.style_panel.gallery.count() == 3, timeout=TIMEOUT)
    window.history_panel.select_entry(seven)  # the user picks the older image
    gallery = window.style_panel.gallery
    gallery.itemClicked.emit(gallery.item(0))
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.menu_actions.apply_style.trigger()
    result = window.history.current_entry_id
    assert result not in (seven, 0)

    window.menu_actions.undo.trigger()
    assert window.history.current_entry_id == seven
    assert _recipe_shown(window) == ("seven", "7")

    window.menu_actions.redo.trigger()
    assert window.history.current_entry_id == result
    # A style result has no recipe of its own for the panel: the source's stays.
    assert _recipe_shown(window) == ("seven", "7")


def test_deleting_the_shown_entry_does_not_restore_its_neighbours_recipe(qtbot, window) -> None:
    _generate(qtbot, window, "older", seed=1)
    newest = _generate(qtbot, window, "newest", seed=2)
    window.prompt_panel.prompt_edit.setPlainText("words the user is typing")

    window.history.delete_entry(newest)

    assert window.prompt_panel.prompt_edit.toPlainText() == "words the user is typing"


def test_filtering_changes_neither_the_settings_nor_the_canvas(qtbot, window) -> None:
    _generate(qtbot, window, "Red Dragon", seed=1)
    slime = _generate(qtbot, window, "blue slime", seed=2)
    window.prompt_panel.prompt_edit.setPlainText("my own words")
    window.prompt_panel.seed_edit.setText("99")

    for text in ("d", "dragon", "nothing like it", "", "slime", ""):
        window.history_panel.filter_edit.setText(text)
        assert _recipe_shown(window) == ("my own words", "99"), text
        assert window.history.current_entry_id == slime, text


def test_a_click_or_arrow_key_in_the_list_is_a_pick_and_restores(qtbot, window) -> None:
    older = _generate(qtbot, window, "older", seed=1)
    _generate(qtbot, window, "newest", seed=2)
    view = window.history_panel.view
    rect = view.visualRect(window.history_panel.proxy.index(1, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.history.current_entry_id == older
    assert _recipe_shown(window) == ("older", "1")

    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert _recipe_shown(window) == ("newest", "2")


def _tiles(window) -> tuple[bool, bool]:
    a = window.edits.actions
    return a.tile_x.isChecked(), a.tile_y.isChecked()


def test_mask_and_tiling_of_make_seamless_stay_with_its_result(qtbot, window) -> None:
    plain = _generate(qtbot, window, "plain", seed=3)
    with qtbot.waitSignal(window.edits.edit_ended, timeout=TIMEOUT):  # a CPU-lane job
        window.edits.actions.make_seamless.trigger()
    seamless = window.history.current_entry_id
    assert seamless != plain and _tiles(window) == (True, True)
    assert not window.canvas.mask_layer.is_empty()

    window.history_panel.select_entry(plain)
    assert _tiles(window) == (False, False)
    assert window.canvas.mask_layer.is_empty()
    assert window.edit_panel.tile_x.isChecked() is False  # the panel's boxes follow

    window.history_panel.select_entry(seamless)
    assert _tiles(window) == (True, True)
    assert not window.canvas.mask_layer.is_empty()


def test_a_mask_painted_on_one_image_is_not_on_the_next(qtbot, window) -> None:
    from PySide6.QtCore import QPointF

    first = _generate(qtbot, window, "first", seed=3)
    second = _generate(qtbot, window, "second", seed=4)  # same size as the first
    window.canvas.mask_layer.paint(QPointF(4, 4), QPointF(8, 8))
    window.history_panel.select_entry(first)
    assert window.canvas.mask_layer.is_empty()
    window.history_panel.select_entry(second)
    assert not window.canvas.mask_layer.is_empty()


def test_tiling_of_a_new_result_follows_its_recipe(qtbot, window) -> None:
    window.edits.actions.tile_x.setChecked(True)
    tiled = _generate(qtbot, window, "tiled", seed=3)
    assert _tiles(window) == (True, False)  # made tiled: shown tiled
    window.edits.actions.tile_y.setChecked(True)  # set while #tiled is shown: its setting
    window.edits.actions.tile_x.setChecked(False)
    window.edits.actions.tile_y.setChecked(False)
    plain = _generate(qtbot, window, "plain", seed=4)
    assert _tiles(window) == (False, False)
    window.edits.actions.tile_y.setChecked(True)
    window.history_panel.select_entry(tiled)
    assert _tiles(window) == (False, False)  # as the user left it there
    window.history_panel.select_entry(plain)
    assert _tiles(window) == (False, True)


def test_undo_of_a_stroke_goes_to_the_image_it_was_painted_on(qtbot, window) -> None:
    first = _generate(qtbot, window, "first", seed=3)
    second = _generate(qtbot, window, "second", seed=4)
    window.edits.actions.paint_mask.setChecked(True)
    view = window.canvas
    centre = view.mapFromScene(8, 8)
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert not window.canvas.mask_layer.is_empty()
    window.history_panel.select_entry(first)

    window.menu_actions.undo.trigger()  # undoes the stroke on #second, not on what is shown
    assert window.canvas.mask_layer.is_empty()
    window.menu_actions.redo.trigger()
    assert window.canvas.mask_layer.is_empty()
    window.history_panel.select_entry(second)
    assert not window.canvas.mask_layer.is_empty()


@pytest.fixture
def builtin_engine() -> ScriptedEngine:
    # The shipped built-in models as the registry describes them, beside a Stable Diffusion one.
    return ScriptedEngine([FAKE_MODEL, *discover_builtin_models()])


def test_edits_the_model_cannot_do_are_disabled_with_the_reason(
    qtbot, make_window, builtin_engine
) -> None:
    window = make_window(builtin_engine)
    a, e = window.menu_actions, window.edits.actions
    builtin_engine.models = [*discover_builtin_models(), FAKE_MODEL]  # builtin-vae first
    with qtbot.waitSignal(window.facade.models_changed, timeout=TIMEOUT):
        window.facade.refresh_models()
    assert window.prompt_panel.current_model_id() == FAKE_MODEL.id  # the choice is kept
    window.prompt_panel.select_model("builtin-vae")
    builtin_engine.models = [m for m in builtin_engine.models if m.id != FAKE_MODEL.id]
    window.prompt_panel.select_model(FAKE_MODEL.id)
    with qtbot.waitSignal(window.facade.models_changed, timeout=TIMEOUT):
        window.facade.refresh_models()  # the chosen model went away: the list's first is chosen
    assert not e.outpaint.isEnabled()  # checked when the list is refilled, too
    builtin_engine.models = [FAKE_MODEL, *discover_builtin_models()]
    with qtbot.waitSignal(window.facade.models_changed, timeout=TIMEOUT):
        window.facade.refresh_models()
    window.prompt_panel.select_model(FAKE_MODEL.id)
    entry = _generate(qtbot, window, "a slime", seed=1)
    assert a.use_as_init.isEnabled() and e.outpaint.isEnabled() and e.vary.isEnabled()

    assert window.prompt_panel.select_model("builtin-vae")
    assert not a.use_as_init.isEnabled() and "text only" in a.use_as_init.toolTip()
    assert not e.outpaint.isEnabled() and "builtin-diffusion" in e.outpaint.toolTip()
    assert not e.paint_mask.isEnabled() and e.vary.isEnabled()
    menu = window.history_panel.context_menu(window.document.entry(entry))
    use_as_init = next(x for x in menu.actions() if x.text() == "Use as Init Image")
    assert not use_as_init.isEnabled() and "text only" in use_as_init.toolTip()

    window.prompt_panel.select_model("builtin-ar")
    assert not e.vary.isEnabled() and "no starting noise" in e.vary.toolTip()

    window.prompt_panel.select_model("builtin-diffusion")
    assert e.outpaint.isEnabled() and e.paint_mask.isEnabled()
    assert e.outpaint.toolTip().startswith("Grow the canvas")
    assert not a.use_as_init.isEnabled()

    window.prompt_panel.select_model(FAKE_MODEL.id)
    assert a.use_as_init.isEnabled() and e.outpaint.isEnabled()


def test_a_refused_outpaint_leaves_the_canvas_as_it_was(qtbot, make_window, builtin_engine) -> None:
    window = make_window(builtin_engine)
    _generate(qtbot, window, "a slime", seed=1)
    window.prompt_panel.select_model("builtin-gan")
    size = window.canvas.image().size()
    choice = OutpaintChoice(margins=(8, 8, 8, 8), fill="edge", generate_now=True)
    requests = len(builtin_engine.requests)

    assert not window.edits.outpaint(choice)
    assert not window.history.use_as_init()

    assert window.canvas.image().size() == size
    assert window.generate_vm.init_image is None
    assert len(builtin_engine.requests) == requests
    assert "builtin-diffusion" in window.notice.text()


def test_the_status_after_a_batch_counts_the_whole_batch(qtbot, window) -> None:
    panel = window.prompt_panel
    panel.width_spin.setValue(16)
    panel.height_spin.setValue(16)
    panel.steps_spin.setValue(1)
    panel.prompt_edit.setPlainText("{a|b|c} {potion|sword|shield}")
    dialog = window.open_batch()
    assert dialog is not None and dialog.count_label.text().startswith("9 images")
    dialog.accept()
    qtbot.waitUntil(lambda: len(window.history_model.entries()) == 9, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not window.facade.is_busy, timeout=TIMEOUT)
    assert window.status.currentMessage().startswith("Done: 9 images")


def _start_four_image_job(qtbot, window, engine) -> None:
    panel = window.prompt_panel
    panel.prompt_edit.setPlainText("four knights")
    panel.steps_spin.setValue(1)
    panel.width_spin.setValue(16)
    panel.height_spin.setValue(16)
    panel.batch_spin.setValue(4)
    engine.pause_at = 1
    window.menu_actions.generate.trigger()
    panel.batch_spin.setValue(1)
    window.menu_actions.generate.trigger()  # and one more queued behind it
    assert engine.paused.wait(TIMEOUT / 1000)


ASKED = "unfinished:5 images to make (a job is running and 1 more queued)"


@pytest.mark.timeout(60)
def test_closing_with_queued_work_asks_and_cancel_keeps_working(qtbot, window, engine) -> None:
    _start_four_image_job(qtbot, window, engine)
    window.files.dialogs.unfinished_work_answer = "cancel"

    assert not window.close()
    assert window.isVisible() and not window._closing_done
    assert window.files.dialogs.asked[-1] == ASKED
    with qtbot.waitSignal(window.facade.busy_changed, timeout=TIMEOUT):
        engine.resume.set()
    assert window.document.store.image_count() == 5


@pytest.mark.timeout(60)
def test_finish_then_quit_makes_every_image_then_closes(qtbot, window, engine) -> None:
    _start_four_image_job(qtbot, window, engine)
    window.files.dialogs.unfinished_work_answer = "finish"

    assert not window.close()
    assert window.isVisible()
    engine.resume.set()
    qtbot.waitUntil(lambda: window._closing_done, timeout=TIMEOUT)
    assert not window.isVisible()
    assert window.history_model.rowCount() == 5
    assert window.files.dialogs.asked.count(ASKED) == 1


@pytest.mark.timeout(60)
def test_quit_now_cancels_and_joins_the_worker(qtbot, window, engine) -> None:
    _start_four_image_job(qtbot, window, engine)
    window.files.dialogs.unfinished_work_answer = "quit"
    engine.resume.set()  # a cancelled job still has to reach its next step to stop
    assert window.close()
    assert window._closing_done and not window.facade._thread.isRunning()
