"""History editing, recipes, save and reopen, and the keep-your-work prompts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent

from studio.domain.requests import GenerationRequest
from studio.imaging.decode import load_pixels
from studio.imaging.png import encode_png
from studio.imaging.recipe import read_recipe
from studio.project.store import ProjectStore
from studio.ui.document import Document
from tests.ui.conftest import TIMEOUT


def _generate(qtbot, window, prompt: str, seed: int, count: int = 1) -> None:
    panel = window.prompt_panel
    panel.prompt_edit.setPlainText(prompt)
    panel.steps_spin.setValue(3)
    panel.width_spin.setValue(16)
    panel.height_spin.setValue(16)
    panel.seed_edit.setText(str(seed))
    panel.seed_lock.setChecked(True)
    panel.batch_spin.setValue(count)
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.menu_actions.generate.trigger()


def test_picking_an_entry_shows_it_and_restores_its_recipe(qtbot, window) -> None:
    _generate(qtbot, window, "first castle", seed=10)
    _generate(qtbot, window, "second tower", seed=20)
    first = window.history_model.entries()[-1]
    window.prompt_panel.seed_lock.setChecked(False)

    window.history_panel.select_entry(first.id)

    assert window.history.current_entry_id == first.id
    assert window.prompt_panel.prompt_edit.toPlainText() == "first castle"
    assert window.prompt_panel.seed_edit.text() == "10"
    assert window.prompt_panel.seed_lock.isChecked()


def test_delete_then_undo_then_redo(qtbot, window) -> None:
    _generate(qtbot, window, "keep me", seed=1)
    _generate(qtbot, window, "delete me", seed=2)
    doomed = window.history_model.entries()[0]

    window.history_panel.delete_requested.emit(doomed.id)
    assert [e.prompt for e in window.history_model.entries()] == ["keep me"]
    assert window.document.store.image_count() == 1

    window.menu_actions.undo.trigger()
    restored = window.history_model.entries()
    assert [e.id for e in restored] == [doomed.id, restored[1].id]
    assert window.document.entry(doomed.id) is not None

    window.menu_actions.redo.trigger()
    assert [e.prompt for e in window.history_model.entries()] == ["keep me"]


def test_filter_by_prompt_text(qtbot, window) -> None:
    _generate(qtbot, window, "Red Dragon", seed=1)
    _generate(qtbot, window, "blue slime", seed=2)
    window.history_panel.filter_edit.setText("dragon")
    assert [e.prompt for e in window.history_panel.visible_entries()] == ["Red Dragon"]
    window.history_panel.filter_edit.setText("nothing like it")
    assert window.history_panel.visible_entries() == []
    assert "nothing like it" in window.history_panel.empty_label.text()


def test_use_as_init_image_starts_img2img_and_undo_clears_it(qtbot, window, engine) -> None:
    _generate(qtbot, window, "base", seed=3)
    window.menu_actions.use_as_init.trigger()
    assert window.prompt_panel.init_group.isVisibleTo(window)
    window.prompt_panel.strength_spin.setValue(0.4)
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.menu_actions.generate.trigger()
    request = engine.requests[-1]
    assert request.is_img2img and request.strength == 0.4
    entry_png = window.document.image_png(window.history_model.entries()[-1].image_id)
    assert request.init_image == entry_png

    window.menu_actions.undo.trigger()
    assert window.generate_vm.init_image is None
    assert not window.prompt_panel.init_group.isVisibleTo(window)


def test_save_as_then_reopen_restores_history_canvas_and_panel(
    qtbot, window, make_window, engine, tmp_path
) -> None:
    _generate(qtbot, window, "saved dragon", seed=7, count=2)
    shown = window.history.current_entry_id
    window.prompt_panel.prompt_edit.setPlainText("what I was typing")
    window.prompt_panel.negative_edit.setPlainText("blurry")
    target = tmp_path / "mine.studio"

    assert window.files.save_as(target)
    assert window.windowTitle().startswith("mine.studio")
    before = [
        (e.id, e.prompt, window.document.image_png(e.image_id)) for e in window.document.entries()
    ]
    window.close()

    reopened = make_window(engine, Document(ProjectStore.open(target), untitled=False))
    after = [
        (e.id, e.prompt, reopened.document.image_png(e.image_id))
        for e in reopened.document.entries()
    ]
    assert after == before
    assert reopened.history.current_entry_id == shown
    assert reopened.prompt_panel.prompt_edit.toPlainText() == "what I was typing"
    assert reopened.prompt_panel.negative_edit.toPlainText() == "blurry"
    assert reopened.canvas.image() is not None


def test_closing_with_untitled_work_asks_and_cancel_keeps_the_window(qtbot, window) -> None:
    _generate(qtbot, window, "precious", seed=1)
    window.files.dialogs.keep_work_answer = "cancel"
    assert not window.close()
    assert window.isVisible()
    assert any(a.startswith("keep:Untitled:1") for a in window.files.dialogs.asked)


def test_closing_with_save_writes_the_project_where_the_user_chose(qtbot, window, tmp_path):
    _generate(qtbot, window, "precious", seed=1)
    window.files.dialogs.keep_work_answer = "save"
    window.files.dialogs.save_path = tmp_path / "kept.studio"
    assert window.close()
    store = ProjectStore.open(tmp_path / "kept.studio")
    assert [e.prompt for e in store.entries()] == ["precious"]
    store.close()


def test_an_empty_untitled_project_closes_without_asking(qtbot, window) -> None:
    assert window.close()
    assert window.files.dialogs.asked == []


def _a1111_png(path: Path) -> Path:
    pixels = np.zeros((16, 16, 3), dtype=np.uint8)
    pixels[..., 1] = 200
    text = (
        "a green slime, pixel art\nNegative prompt: blurry\n"
        "Steps: 12, Sampler: Euler a, CFG scale: 6.5, Seed: 424242, Size: 16x16, Model: x"
    )
    path.write_bytes(encode_png(pixels, {"parameters": text}))
    return path


def test_dropping_a_png_shows_it_and_restores_its_recipe(qtbot, window, tmp_path) -> None:
    png = _a1111_png(tmp_path / "slime.png")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(png))])
    event = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)

    panel = window.prompt_panel
    assert panel.prompt_edit.toPlainText() == "a green slime, pixel art"
    assert panel.negative_edit.toPlainText() == "blurry"
    assert panel.steps_spin.value() == 12
    assert panel.sampler_combo.currentText() == "Euler a"
    assert panel.seed_edit.text() == "424242"
    assert window.canvas.image() is not None
    assert window.history_model.entries()[0].kind == "import"


def test_dropping_a_broken_file_explains_and_changes_nothing(qtbot, window, tmp_path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    assert window.files.import_image(broken) is None
    assert window.notice.text()
    assert window.history_model.entries() == []


def test_export_at_4x_keeps_the_recipe_and_crisp_pixels(qtbot, window, tmp_path) -> None:
    _generate(qtbot, window, "tiny sprite", seed=9)
    entry = window.history_model.entries()[0]
    out = window.files.export_image(entry.id, scale=4, path=tmp_path / "sprite.png")
    pixels = load_pixels(out, mode="RGBA")
    original = load_pixels(window.document.image_png(entry.image_id), mode="RGBA")
    assert pixels.shape == (64, 64, 4)
    np.testing.assert_array_equal(pixels[::4, ::4], original)
    recipe = read_recipe(out)
    assert recipe.request == GenerationRequest.from_dict(entry.recipe["request"])


def test_zoom_fit_and_actual_size_shortcuts(qtbot, window) -> None:
    _generate(qtbot, window, "zoom", seed=1)
    window.menu_actions.actual_size.trigger()
    assert window.canvas.zoom_factor() == 1.0
    window.menu_actions.zoom_in.trigger()
    assert window.canvas.zoom_factor() > 1.0
    window.menu_actions.fit.trigger()
    assert window.canvas.zoom_factor() > 1.0  # a 16 px image fitted into the view is enlarged
