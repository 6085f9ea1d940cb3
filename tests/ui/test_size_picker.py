"""The prompt panel's size row: presets set both sides, and the list follows typed sizes."""

from __future__ import annotations

from studio.ui.size_picker import CUSTOM_SIZE, SizePicker


def test_a_preset_sets_both_sides_and_typed_sizes_find_their_preset(qtbot) -> None:
    picker = SizePicker(64, 64)
    qtbot.addWidget(picker)
    assert picker.size_combo.currentText() == "64 × 64"

    picker.size_combo.activated.emit(picker.size_combo.findText("512 × 768"))
    assert (picker.width_spin.value(), picker.height_spin.value()) == (512, 768)

    picker.width_spin.setValue(200)
    assert picker.size_combo.currentText() == CUSTOM_SIZE
    picker.width_spin.setValue(768)
    picker.height_spin.setValue(512)
    assert picker.size_combo.currentText() == "768 × 512"
