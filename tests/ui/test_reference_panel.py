"""The prompt panel's Reference images group, its view-model and "Use as Reference" in history."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog

from studio.domain.errors import ImageReadError, InvalidRequestError
from studio.domain.reference import ReferenceImage
from studio.domain.requests import GenerationRequest
from studio.engine.builtin import discover_builtin_models
from studio.imaging.decode import load_pixels
from studio.imaging.png import encode_png
from studio.ui.viewmodels.reference import EMPTY_TEXT, ReferenceViewModel
from tests.fakes import FAKE_MODEL, ScriptedEngine
from tests.ops.test_request_defaults import SD, builtin_vae
from tests.ui.conftest import TIMEOUT


def _hero() -> np.ndarray:
    pixels = np.zeros((24, 24, 4), dtype=np.uint8)
    pixels[4:20, 6:18] = (30, 160, 220, 255)
    return pixels


def test_the_empty_state_explains_itself(panel) -> None:
    group = panel.reference_panel
    panel.show()
    assert group.title() == "Reference images"
    assert group.empty_label.text() == EMPTY_TEXT and group.empty_label.isVisible()
    assert "Use as Reference" in EMPTY_TEXT
    assert panel.view_model.build_request().references == ()


def test_the_request_carries_the_canvas_picture_and_the_rows_weight(panel) -> None:
    vm = panel.view_model
    vm.reference.canvas_source = _hero
    panel.reference_panel.canvas_button.click()
    group = panel.reference_panel
    assert len(group.rows) == 1 and not group.empty_label.isVisible()
    row = group.rows[0]
    assert row.source_label.text() == "canvas"
    assert row.thumbnail.pixmap() is not None and not row.thumbnail.pixmap().isNull()
    row.weight_spin.setValue(0.45)

    (reference,) = vm.build_request().references
    assert (reference.weight, reference.source) == (0.45, "canvas")
    assert reference.image is not None
    np.testing.assert_array_equal(load_pixels(reference.image, mode="RGB"), _hero()[..., :3])


def test_a_file_is_added_and_an_unreadable_one_is_one_line(panel, tmp_path, monkeypatch) -> None:
    good, notes = tmp_path / "knight.png", tmp_path / "notes.png"
    good.write_bytes(encode_png(_hero()))
    notes.write_text("not an image")
    chosen = [str(notes), str(good)]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (chosen.pop(0), ""))
    group = panel.reference_panel

    group.file_button.click()
    assert group.message_label.isVisibleTo(group) and "notes.png" in group.message_label.text()
    assert "\n" not in group.message_label.text() and group.rows == []

    group.file_button.click()
    assert not group.message_label.isVisibleTo(group)
    assert [r.source for r in panel.view_model.reference.references] == ["knight.png"]


def test_an_empty_canvas_is_one_line_and_nothing_is_added(panel) -> None:
    panel.reference_panel.canvas_button.click()
    assert panel.reference_panel.message_label.text() == (
        "The canvas shows no image: open or generate one first."
    )
    assert panel.view_model.reference.references == ()


def test_at_most_four_and_remove(panel) -> None:
    reference = panel.view_model.reference
    for number in range(4):
        reference.add_pixels(_hero(), f"#{number}")
    group = panel.reference_panel
    assert not group.file_button.isEnabled() and not group.canvas_button.isEnabled()
    with pytest.raises(InvalidRequestError, match="At most 4 reference images"):
        reference.add_pixels(_hero(), "#9")
    group.rows[1].remove_button.click()
    assert [r.source for r in reference.references] == ["#0", "#2", "#3"]
    assert len(group.rows) == 3 and group.file_button.isEnabled()


def test_a_weight_out_of_range_is_refused_and_the_reference_stays() -> None:
    reference = ReferenceViewModel()
    reference.add_pixels(_hero(), "canvas")
    with pytest.raises(InvalidRequestError, match="out of range"):
        reference.set_weight(0, 5.0)
    assert reference.references[0].weight == 1.0


def test_a_recipes_references_come_back_without_pictures_and_stop_generate(panel) -> None:
    stored = GenerationRequest(
        "a knight", references=(ReferenceImage(b"png", weight=0.7, source="hero.png"),)
    ).to_dict()
    panel.view_model.apply_request(stored)
    row = panel.reference_panel.rows[0]
    assert row.weight_spin.value() == 0.7 and row.thumbnail.text() == "No picture: add it again"
    with pytest.raises(InvalidRequestError, match=r"Reference image 1 \(hero\.png\) has no pict"):
        panel.view_model.build_request()


def test_the_group_is_greyed_out_for_a_built_in_model(panel) -> None:
    panel.set_models([builtin_vae(), SD])
    panel.select_model(SD.id)
    assert panel.reference_panel.isEnabled()
    panel.select_model("builtin-vae")
    assert not panel.reference_panel.isEnabled()
    assert "cannot take a reference image" in panel.reference_panel.toolTip()


def test_bytes_that_do_not_decode_are_one_line_naming_the_entry() -> None:
    with pytest.raises(ImageReadError, match="#7"):
        ReferenceViewModel().add_png(b"not a png", "#7")


def test_use_as_reference_adds_a_history_image_and_is_disabled_for_built_ins(
    qtbot, make_window
) -> None:
    window = make_window(ScriptedEngine([FAKE_MODEL, *discover_builtin_models()]))
    panel = window.prompt_panel
    panel.select_model(FAKE_MODEL.id)
    panel.prompt_edit.setPlainText("a knight")
    panel.width_spin.setValue(16)
    panel.height_spin.setValue(16)
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.menu_actions.generate.trigger()
    entry = window.document.entry(window.history.current_entry_id)
    menu = window.history_panel.context_menu(entry)
    action = next(x for x in menu.actions() if x.text() == "Use as Reference")
    assert action.isEnabled()

    action.trigger()

    (reference,) = window.generate_vm.reference.references
    assert reference.source == f"#{entry.id}"
    shown = load_pixels(window.document.image_png(entry.image_id), mode="RGB")
    np.testing.assert_array_equal(load_pixels(reference.image, mode="RGB"), shown)
    assert window.prompt_panel.reference_panel.rows[0].source_label.text() == f"#{entry.id}"

    assert panel.select_model("builtin-vae")
    menu = window.history_panel.context_menu(entry)
    action = next(x for x in menu.actions() if x.text() == "Use as Reference")
    assert not action.isEnabled() and "cannot take a reference image" in action.toolTip()
    assert not window.history.use_as_reference(entry.id)  # a script is refused the same way
    assert len(window.generate_vm.reference.references) == 1


def test_a_long_file_name_never_widens_the_row(panel, tmp_path) -> None:
    vm = panel.view_model
    vm.reference.canvas_source = _hero
    panel.reference_panel.canvas_button.click()
    row = panel.reference_panel.rows[0]
    panel.show()
    width = row.minimumSizeHint().width()
    long_name = "the_character_my_team_drew_for_the_game_jam_final_final_v3.png"
    (tmp_path / long_name).write_bytes(encode_png(_hero()))
    vm.reference.add_file(tmp_path / long_name)
    longer = panel.reference_panel.rows[1]
    assert longer.minimumSizeHint().width() == width
    assert longer.source_label.toolTip() == long_name
