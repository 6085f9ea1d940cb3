"""The prompt panel's Control group and its view-model: units made, edited, carried, refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from studio.domain.control import ControlSpec
from studio.domain.errors import ImageReadError, InvalidRequestError
from studio.domain.requests import GenerationRequest
from studio.imaging.control import make_control_image
from studio.imaging.decode import load_pixels
from studio.imaging.png import encode_png
from studio.ui.viewmodels.control import EMPTY_TEXT, ControlViewModel
from tests.ops.test_request_defaults import SD, builtin_vae


def _square() -> np.ndarray:
    pixels = np.zeros((32, 32, 3), dtype=np.uint8)
    pixels[8:24, 8:24] = 220
    return pixels


def test_the_empty_state_explains_itself_and_add_makes_a_row(panel, qtbot) -> None:
    group = panel.control_panel
    panel.show()
    assert group.empty_label.text() == EMPTY_TEXT and group.empty_label.isVisible()
    assert panel.view_model.build_request().controls == ()
    qtbot.mouseClick(group.add_button, Qt.MouseButton.LeftButton)
    assert len(group.rows) == 1 and not group.empty_label.isVisible()
    assert group.rows[0].preview.text() == "No image yet"


def test_a_unit_without_an_image_stops_generate_in_one_line(panel) -> None:
    panel.view_model.control.add("openpose")
    with pytest.raises(InvalidRequestError, match=r"Control 1 \(openpose\) has no image"):
        panel.view_model.build_request()


def test_the_request_carries_the_control_image_made_from_the_canvas(panel) -> None:
    vm = panel.view_model
    vm.control.canvas_source = _square
    vm.control.add("canny")
    panel.control_panel.rows[0].canvas_button.click()
    row = panel.control_panel.rows[0]
    row.weight_spin.setValue(0.6)
    row.end_spin.setValue(0.8)

    (unit,) = vm.build_request().controls
    assert (unit.kind, unit.weight, unit.start, unit.end, unit.source) == (
        "canny",
        0.6,
        0.0,
        0.8,
        "canvas",
    )
    assert unit.image is not None
    expected = make_control_image("canny", _square())
    np.testing.assert_array_equal(load_pixels(unit.image, mode="RGB"), expected)
    assert row.preview.pixmap() is not None and not row.preview.pixmap().isNull()


def test_a_new_kind_remakes_the_image_from_the_same_source(panel) -> None:
    control = panel.view_model.control
    control.canvas_source = _square
    control.add("canny")
    control.use_canvas(0)
    row = panel.control_panel.rows[0]
    row.kind_combo.setCurrentIndex(row.kind_combo.findData("blockout"))
    row.kind_combo.activated.emit(row.kind_combo.currentIndex())
    unit = control.units[0]
    assert unit.spec.kind == "blockout"
    np.testing.assert_array_equal(unit.control, make_control_image("blockout", _square()))


def test_a_refused_value_is_one_line_and_the_unit_stays(panel) -> None:
    control = panel.view_model.control
    control.add("canny")
    row = panel.control_panel.rows[0]
    row.end_spin.setValue(0.4)
    row.start_spin.setValue(0.6)  # after the end: refused
    message = panel.control_panel.message_label
    assert "must satisfy 0 <= start < end <= 1" in message.text()
    assert control.units[0].spec.start == 0.0 and row.start_spin.value() == 0.0
    control.canvas_source = lambda: None
    row.canvas_button.click()
    assert message.text() == "The canvas shows no image: open or generate one first."


def test_an_unreadable_file_is_one_line_naming_it(tmp_path: Path) -> None:
    control = ControlViewModel()
    control.add("scribble")
    notes = tmp_path / "notes.png"
    notes.write_text("not an image")
    with pytest.raises(ImageReadError, match=r"notes\.png"):
        control.use_file(0, notes)
    good = tmp_path / "lines.png"
    good.write_bytes(encode_png(_square()))
    control.use_file(0, good)
    assert control.units[0].spec.source == "lines.png" and control.specs()[0].image


def test_at_most_four_units_and_remove(panel) -> None:
    control = panel.view_model.control
    for _ in range(4):
        control.add()
    assert not panel.control_panel.add_button.isEnabled()
    with pytest.raises(InvalidRequestError, match="At most 4 controls"):
        control.add()
    panel.control_panel.rows[1].remove_button.click()
    assert len(control.units) == 3 and len(panel.control_panel.rows) == 3


def test_a_recipes_units_come_back_without_images(panel) -> None:
    stored = GenerationRequest(
        "a knight",
        controls=(ControlSpec("openpose", b"png", weight=0.7, end=0.9, source="pose editor"),),
    ).to_dict()
    panel.view_model.apply_request(stored)
    (draft,) = panel.view_model.control.units
    assert (draft.spec.kind, draft.spec.weight, draft.spec.end, draft.spec.image) == (
        "openpose",
        0.7,
        0.9,
        None,
    )
    row = panel.control_panel.rows[0]
    assert row.weight_spin.value() == 0.7
    # Seen in the window: "No image yet" beside "canvas" read as if the image were there.
    assert row.preview.text() == "Not kept: take it again"
    assert row.source_label.text() == "pose editor"


def test_the_group_is_greyed_out_for_a_built_in_model(panel) -> None:
    panel.set_models([builtin_vae(), SD])
    panel.select_model(SD.id)
    assert panel.control_panel.isEnabled()
    panel.select_model("builtin-vae")
    assert not panel.control_panel.isEnabled()
    assert "cannot take a control image" in panel.control_panel.toolTip()


def test_the_group_is_reached_with_the_keyboard(panel, qtbot) -> None:
    group = panel.control_panel
    panel.show()
    group.add_button.setFocus()
    qtbot.keyClick(group.add_button, Qt.Key.Key_Space)
    assert len(group.rows) == 1
    row = group.rows[0]
    widgets = (row.kind_combo, row.weight_spin, row.start_spin, row.end_spin)
    buttons = (row.canvas_button, row.file_button, row.remove_button)
    for reachable in (*widgets, *buttons):
        assert reachable.focusPolicy() & Qt.FocusPolicy.TabFocus


def test_a_long_source_name_never_widens_the_row_and_shows_whole_in_its_tooltip(
    panel, tmp_path: Path
) -> None:
    # Seen in the window: "Source: pose editor" in the form's label column widened every
    # field, and the row outgrew the panel (Edit pose… and the combo boxes were cut off).
    vm = panel.view_model
    vm.control.add("openpose")
    row = panel.control_panel.rows[0]
    panel.show()
    width = row.minimumSizeHint().width()
    long_name = "a_reference_sheet_of_my_knight_in_red_armour_from_the_last_jam_v12.png"
    path = tmp_path / long_name
    path.write_bytes(encode_png(_square()))
    vm.control.use_file(0, path)
    row.layout().activate()
    assert row.minimumSizeHint().width() == width
    assert row.source_label.toolTip() == long_name and "…" in row.source_label.text()
    vm.control.set_pose(0, vm.control.pose_of(0))
    assert row.source_label.text() == "pose editor" and row.source_label.toolTip() == ""
    row.layout().activate()
    assert row.minimumSizeHint().width() == width


def test_a_pose_row_is_no_wider_than_a_canny_row(panel) -> None:
    # Edit pose… on the image line made a pose row wider than the prompt panel.
    vm = panel.view_model
    vm.control.add("canny")
    vm.control.add("openpose")
    panel.show()
    canny, pose = panel.control_panel.rows
    assert pose.pose_button.isVisible() and not canny.pose_button.isVisible()
    assert pose.minimumSizeHint().width() <= canny.minimumSizeHint().width()
