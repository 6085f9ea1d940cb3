"""Style transfer from the canvas: pick a preset, apply, see a history entry, undo."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from studio.domain.style import StyleRequest
from studio.imaging.decode import load_pixels
from studio.imaging.png import encode_png
from studio.ui.image_convert import array_from_qimage
from tests.fakes import STYLE_PREVIEW_LEVEL
from tests.ui.conftest import TIMEOUT


def _generate(qtbot, window, seed: int = 5) -> int:
    panel = window.prompt_panel
    panel.prompt_edit.setPlainText("a castle")
    panel.steps_spin.setValue(2)
    panel.width_spin.setValue(32)
    panel.height_spin.setValue(32)
    panel.seed_edit.setText(str(seed))
    panel.seed_lock.setChecked(True)
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.menu_actions.generate.trigger()
    return window.history.current_entry_id


def _presets_loaded(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.style_panel.gallery.count() == 3, timeout=TIMEOUT)


def test_gallery_shows_the_engine_presets(qtbot, window) -> None:
    _presets_loaded(qtbot, window)
    assert window.style_panel.gallery.item(0).text() == "Ink Wash"


def test_pick_a_preset_apply_then_undo_restores_the_canvas(qtbot, window, engine) -> None:
    source_id = _generate(qtbot, window)
    source_pixels = array_from_qimage(window.canvas.image())
    _presets_loaded(qtbot, window)
    gallery = window.style_panel.gallery
    gallery.itemClicked.emit(gallery.item(1))
    window.style_panel.strength_spin.setValue(0.8)

    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.menu_actions.apply_style.trigger()

    request = engine.requests[-1]
    assert isinstance(request, StyleRequest)
    assert request.presets == (1,) and request.strength == 0.8
    assert request.source_label == f"history #{source_id}"
    entries = window.history_model.entries()
    assert len(entries) == 2 and entries[0].kind == "style"
    assert entries[0].recipe["request"]["presets"] == [1]
    assert window.history.current_entry_id == entries[0].id
    np.testing.assert_array_equal(
        array_from_qimage(window.canvas.image())[..., :3], 255 - source_pixels[..., :3]
    )

    window.menu_actions.undo.trigger()
    assert window.history.current_entry_id == source_id
    assert len(window.history_model.entries()) == 1
    np.testing.assert_array_equal(array_from_qimage(window.canvas.image()), source_pixels)

    window.menu_actions.redo.trigger()
    assert window.history.current_entry_id == entries[0].id
    assert len(window.history_model.entries()) == 2


def test_blend_of_a_preset_and_an_image_with_weights(qtbot, window, engine, tmp_path) -> None:
    _generate(qtbot, window)
    _presets_loaded(qtbot, window)
    style_file = tmp_path / "starry.png"
    style_file.write_bytes(encode_png(np.full((16, 16, 3), 90, dtype=np.uint8)))
    gallery = window.style_panel.gallery
    gallery.itemClicked.emit(gallery.item(0))
    assert window.styling.add_style_image(style_file)
    spins = window.style_panel.weight_spins()
    spins[0].setValue(3.0)
    spins[1].setValue(1.0)

    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.styling.apply()

    request = engine.requests[-1]
    assert request.presets == (0,) and request.style_labels == ("starry.png",)
    assert request.normalized_weights == (0.75, 0.25)


def test_at_most_four_styles_and_a_broken_style_file_is_refused(qtbot, window, tmp_path) -> None:
    _generate(qtbot, window)
    for _ in range(4):
        assert window.styling.add_entry_as_style()
    assert not window.styling.add_entry_as_style()
    assert "Four styles" in window.notice.text()
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff" + b"\x00" * 10)
    window.style_panel.view_model.remove_style(0)
    assert not window.styling.add_style_image(broken)
    assert len(window.style_panel.view_model.styles) == 3


def test_painted_mask_limits_the_style_to_the_painted_area(qtbot, window, engine) -> None:
    _generate(qtbot, window)
    window.canvas.actual_size()
    assert window.styling.add_entry_as_style()
    window.style_panel.mask_button.setChecked(True)
    window.style_panel.brush_spin.setValue(6)
    viewport = window.canvas.viewport()
    center = window.canvas.mapFromScene(4.0, 4.0)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=center)

    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.styling.apply()

    mask = load_pixels(engine.requests[-1].mask, mode="RGB")[..., 0]
    assert mask.shape == (32, 32)
    assert mask[4, 4] == 255 and mask[28, 28] == 0


def test_apply_without_an_image_or_style_explains(qtbot, window, engine) -> None:
    assert window.styling.apply() is None
    assert "Pick or generate an image" in window.notice.text()
    _generate(qtbot, window)
    assert window.styling.apply() is None
    assert "at least one style" in window.notice.text()
    assert not any(isinstance(r, StyleRequest) for r in engine.requests)


def test_cancelling_a_style_job_adds_nothing(qtbot, window, engine) -> None:
    _generate(qtbot, window)
    assert window.styling.add_entry_as_style()
    engine.pause_at = 2
    engine.paused.clear()
    window.styling.apply()
    qtbot.waitUntil(engine.paused.is_set, timeout=TIMEOUT)
    with qtbot.waitSignal(window.facade.cancelled, timeout=TIMEOUT):
        window.menu_actions.cancel.trigger()
        engine.resume.set()
    assert len(window.history_model.entries()) == 1
    assert window.undo_stack.count() == 0


def test_a_style_result_enters_history_under_its_styles(qtbot, window) -> None:
    _generate(qtbot, window)
    _presets_loaded(qtbot, window)
    gallery = window.style_panel.gallery
    gallery.itemClicked.emit(gallery.item(1))
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.styling.apply()

    entry = window.history_model.entries()[0]
    assert entry.kind == "style"
    assert entry.prompt == "preset 1 100%" == entry.recipe["extra"]["style_summary"]
    found = window.document.store.entries("preset 1")
    assert [e.id for e in found] == [entry.id]


def test_iterative_style_previews_reach_the_canvas(qtbot, window, engine) -> None:
    _generate(qtbot, window)
    assert window.styling.add_entry_as_style()
    window.style_panel.method_combo.setCurrentIndex(
        window.style_panel.method_combo.findData("iterative")
    )
    engine.pause_at = 3
    engine.paused.clear()
    window.styling.apply()
    qtbot.waitUntil(engine.paused.is_set, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.canvas.showing_preview, timeout=TIMEOUT)
    # The 8x8 preview is stretched to the size of the image being restyled.
    # items() lists the top (the mask layer) first; the image sits at the bottom (below it
    # only the hidden 3x3 tiled view).
    items = window.canvas.items()
    shown = [item for item in items if hasattr(item, "pixmap") and item.isVisible()][-1]
    preview = shown.pixmap().toImage()
    assert (preview.width(), preview.height()) == (32, 32)
    assert preview.pixelColor(16, 16).red() == STYLE_PREVIEW_LEVEL
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        engine.resume.set()
    assert not window.canvas.showing_preview
