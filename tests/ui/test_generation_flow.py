"""The artist's main path: type, Ctrl+Enter, watch progress, get an image in history."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import Qt

from studio.ui.image_convert import array_from_qimage
from tests.fakes import FAKE_MODEL, ScriptedEngine, pixels_for
from tests.ui.conftest import TIMEOUT


def _type_prompt(qtbot, window, text: str) -> None:
    window.prompt_panel.prompt_edit.setFocus()
    qtbot.keyClicks(window.prompt_panel.prompt_edit, text)


def _small(window, steps: int = 4, seed: int | None = None) -> None:
    panel = window.prompt_panel
    panel.steps_spin.setValue(steps)
    panel.width_spin.setValue(32)
    panel.height_spin.setValue(24)
    if seed is not None:
        panel.seed_edit.setText(str(seed))
        panel.seed_lock.setChecked(True)


def test_ctrl_enter_generates_with_progress_and_adds_to_history(qtbot, window) -> None:
    qtbot.waitExposed(window)
    _type_prompt(qtbot, window, "a red dragon")
    _small(window, seed=1234)
    progress = []
    window.facade.progress.connect(lambda _job, update: progress.append(update.step))

    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        qtbot.keyClick(
            window.prompt_panel.prompt_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )

    assert progress and progress[-1] == 4
    entries = window.history_model.entries()
    assert len(entries) == 1 and entries[0].prompt == "a red dragon"
    assert window.history.current_entry_id == entries[0].id
    shown = array_from_qimage(window.canvas.image())
    np.testing.assert_array_equal(shown[..., :3], pixels_for(1234, 32, 24))
    assert "Done" in window.status.currentMessage()
    # The prompt panel is untouched by showing the new image: still what the user typed.
    assert window.prompt_panel.prompt_edit.toPlainText() == "a red dragon"


def test_random_seed_is_shown_after_the_run_but_stays_random(qtbot, window) -> None:
    _type_prompt(qtbot, window, "x")
    _small(window)
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.menu_actions.generate.trigger()
    used = window.history_model.entries()[0].recipe["request"]["seed"]
    assert window.prompt_panel.seed_edit.text() == str(used)
    assert not window.prompt_panel.seed_lock.isChecked()


def test_live_preview_shows_on_canvas_while_sampling(qtbot, window, engine) -> None:
    engine.pause_at = 3
    _small(window)
    window.menu_actions.generate.trigger()
    qtbot.waitUntil(engine.paused.is_set, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.canvas.showing_preview, timeout=TIMEOUT)
    assert window.status.progress_bar.isVisible()
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        engine.resume.set()
    assert not window.canvas.showing_preview


def test_escape_cancels_mid_run_and_leaves_no_history_entry(qtbot, window, engine) -> None:
    engine.pause_at = 2
    _small(window)
    window.menu_actions.generate.trigger()
    qtbot.waitUntil(engine.paused.is_set, timeout=TIMEOUT)
    with qtbot.waitSignal(window.facade.cancelled, timeout=TIMEOUT):
        qtbot.keyClick(window.prompt_panel.prompt_edit, Qt.Key.Key_Escape)
        engine.resume.set()
    assert window.history_model.entries() == []
    assert window.document.store.image_count() == 0
    assert window.canvas.image() is None and not window.canvas.showing_preview
    assert "Cancelled" in window.status.currentMessage()

    engine.pause_at = None
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.menu_actions.generate.trigger()
    assert len(window.history_model.entries()) == 1


def test_a_failing_job_shows_its_message_and_the_next_one_works(qtbot, window) -> None:
    window.prompt_panel.prompt_edit.setPlainText("FAIL please")
    _small(window)
    with qtbot.waitSignal(window.facade.failed, timeout=TIMEOUT):
        window.menu_actions.generate.trigger()
    assert "damaged or incomplete" in window.notice.text()
    assert window.history_model.entries() == []

    window.prompt_panel.prompt_edit.setPlainText("a fine one")
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.menu_actions.generate.trigger()
    assert window.notice.text() == ""
    assert len(window.history_model.entries()) == 1


def test_batch_count_commits_every_image_with_consecutive_seeds(qtbot, window) -> None:
    _small(window, seed=50)
    window.prompt_panel.batch_spin.setValue(3)
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.menu_actions.generate.trigger()
    seeds = [e.recipe["request"]["seed"] for e in window.document.entries()]
    assert sorted(seeds) == [50, 51, 52]


def test_bad_values_are_explained_not_submitted(qtbot, window, engine) -> None:
    _small(window)
    window.prompt_panel.width_spin.setValue(33)  # not a multiple of 8
    assert window.jobs.generate() is None
    assert "multiple of 8" in window.notice.text()
    assert engine.requests == []


def test_without_models_the_canvas_explains_how_to_add_one(qtbot, make_window) -> None:
    window = make_window(ScriptedEngine(models=[]))
    assert "Add Model" in window.canvas.empty_message()
    assert window.canvas.is_empty_state_visible()
    assert not window.prompt_panel.generate_button.isEnabled()
    assert not window.menu_actions.generate.isEnabled()


def test_models_are_offered_in_the_picker(qtbot, window) -> None:
    assert window.prompt_panel.current_model_id() == FAKE_MODEL.id
    assert window.prompt_panel.model_combo.currentText() == FAKE_MODEL.name


def test_a_fresh_panel_takes_the_default_models_size(qtbot, make_window) -> None:
    sprites = replace(FAKE_MODEL, id="sprites", name="Sprites", default_size=(96, 96))
    window = make_window(ScriptedEngine(models=[sprites, FAKE_MODEL]))
    panel = window.prompt_panel
    assert panel.current_model_id() == "sprites"
    assert (panel.width_spin.value(), panel.height_spin.value()) == (96, 96)


def test_settings_the_model_does_not_read_are_greyed_out_with_the_reason(
    qtbot, make_window
) -> None:
    one_pass = replace(FAKE_MODEL, id="sprites", name="Sprites", controls=())
    guided = replace(FAKE_MODEL, id="tokens", name="Tokens", controls=("cfg",))
    window = make_window(ScriptedEngine(models=[one_pass, guided, FAKE_MODEL]))
    panel = window.prompt_panel
    widgets = (panel.sampler_combo, panel.steps_spin, panel.cfg_spin)

    assert [w.isEnabled() for w in widgets] == [False, False, False]
    assert panel.steps_spin.toolTip() == "Sprites does not use this setting."
    panel.select_model("tokens")
    assert [w.isEnabled() for w in widgets] == [False, False, True]
    panel.select_model(FAKE_MODEL.id)
    assert [w.isEnabled() for w in widgets] == [True, True, True]
    assert panel.steps_spin.toolTip() == ""
    assert panel.view_model.build_request().steps == 25  # values are kept, only greyed out


def test_a_finished_image_is_shown_from_its_pixels_not_read_back(qtbot, window) -> None:
    # The GUI has the pixels the job returned: reading the project and decoding the PNG
    # again to show them is work the window must not do.
    reads: list[int] = []
    read = window.document.image_png
    window.document.image_png = lambda image_id: reads.append(image_id) or read(image_id)
    _small(window, seed=77)
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.jobs.generate()
    assert reads == []
    shown = array_from_qimage(window.canvas.image())
    np.testing.assert_array_equal(shown[..., :3], pixels_for(77, 32, 24))


def test_a_locked_palette_shows_the_snapped_pixels(qtbot, window) -> None:
    from studio.imaging.palettes import BUILTIN_PALETTES

    palette = BUILTIN_PALETTES["PICO-8"]
    window.document.set_palette_lock(palette)
    _small(window, seed=5)
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.jobs.generate()
    shown = array_from_qimage(window.canvas.image())[..., :3].reshape(-1, 3)
    allowed = {tuple(int(c) for c in colour) for colour in palette.colours}
    assert {tuple(int(c) for c in pixel) for pixel in shown} <= allowed
