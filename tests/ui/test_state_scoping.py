"""State stays with what it belongs to (RELIABILITY 26): history picks, undo, filtering."""

from __future__ import annotations

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
        window.actions.generate.trigger()
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
        window.actions.apply_style.trigger()
    result = window.history.current_entry_id
    assert result not in (seven, 0)

    window.actions.undo.trigger()
    assert window.history.current_entry_id == seven
    assert _recipe_shown(window) == ("seven", "7")

    window.actions.redo.trigger()
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
    from PySide6.QtCore import Qt

    older = _generate(qtbot, window, "older", seed=1)
    _generate(qtbot, window, "newest", seed=2)
    view = window.history_panel.view
    rect = view.visualRect(window.history_panel.proxy.index(1, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.history.current_entry_id == older
    assert _recipe_shown(window) == ("older", "1")

    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert _recipe_shown(window) == ("newest", "2")
