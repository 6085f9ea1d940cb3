"""Image > Upscale… and History right-click > Upscale…: the dialog on the entry, its upscalers,
the tiling box, the before/after preview at 1:1, and the job that adds the upscaled entry.

The upscale jobs run the real engine's upscaler (spandrel on a tiny Real-ESRGAN file found in
an added folder) through the real worker; only generation stays scripted.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from studio.domain.upscale_request import NEAREST, UpscaleRequest
from studio.imaging.decode import load_pixels
from studio.imaging.png import encode_png
from studio.imaging.thumbnails import make_thumbnail
from studio.ui.upscale_dialog import PREVIEWING, UpscaleDialog
from studio.ui.viewmodels.upscale import MODEL_OWN, NEAREST_LABEL, NO_UPSCALERS
from tests.engine.upscale.tiny_esrgan import save_tiny_esrgan
from tests.ui.addon_folders import FolderEngine
from tests.ui.conftest import TIMEOUT


class UpscaleEngine(FolderEngine):
    """Upscales through the real engine service; ``hold`` stops the job at its first progress
    until ``resume`` is set, so a test can cancel it mid-run without sleeping."""

    def __init__(self, tmp_path: Path, model_paths: tuple[str, ...] = ()) -> None:
        super().__init__(tmp_path, model_paths)
        self.hold = False
        self.held = threading.Event()
        self.on_gui_thread: list[bool] = []

    def run(self, request, on_progress, cancel):
        if not isinstance(request, UpscaleRequest):
            yield from super().run(request, on_progress, cancel)
            return
        self.requests.append(request)
        self.on_gui_thread.append(threading.current_thread() is threading.main_thread())

        def report(update) -> None:
            if self.hold:
                self.held.set()
                self.resume.wait(timeout=30)  # a guard against a hung test, not a delay
            on_progress(update)

        yield from self.service.run(request, report, cancel)


@pytest.fixture
def upscalers(tmp_path: Path) -> Path:
    folder = tmp_path / "ESRGAN"
    save_tiny_esrgan(folder)
    return folder


@pytest.fixture
def up_window(make_window, tmp_path: Path, upscalers: Path):
    window = make_window(UpscaleEngine(tmp_path, (str(upscalers),)))
    if not window.game._addons:
        window.facade.refresh_addons()
    return window


def _add(window, pixels: np.ndarray, recipe: dict | None = None) -> int:
    entry = window.document.add_image(
        kind="import", png=encode_png(pixels), thumbnail=make_thumbnail(pixels),
        width=pixels.shape[1], height=pixels.shape[0], prompt="a knight",
        recipe=recipe or {"seed": 1},
    )  # fmt: skip
    window.history.reload()
    return entry.id


def _sprite(side: int = 24) -> np.ndarray:
    rng = np.random.default_rng(3)
    return rng.integers(0, 256, (side, side, 3), dtype=np.uint8)


def _open_dialog(qtbot, window) -> UpscaleDialog:
    qtbot.waitUntil(lambda: window.findChild(UpscaleDialog) is not None, timeout=TIMEOUT)
    dialog = window.findChild(UpscaleDialog)
    qtbot.addWidget(dialog)
    return dialog


def _pixmap_size(label) -> tuple[int, int]:
    pixmap = label.pixmap()
    return pixmap.width(), pixmap.height()


def test_image_menu_opens_the_dialog_on_the_current_entry(qtbot, up_window) -> None:
    window = up_window
    source = _add(window, _sprite(200))
    window.history.show_entry(source)
    assert window.menu_actions.upscale.shortcut().toString() == "Ctrl+Shift+U"
    image_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Image")
    assert window.menu_actions.upscale in image_menu.actions()
    window.menu_actions.upscale.trigger()
    dialog = _open_dialog(qtbot, window)
    assert dialog.isVisible()
    # The preview's "before" is a 128 px crop of this entry, drawn at 1:1.
    assert _pixmap_size(dialog.before_label) == (128, 128)
    assert dialog.view_model.upscaler == NEAREST and dialog.view_model.scale == 2
    assert _pixmap_size(dialog.after_label) == (256, 256)  # nearest: drawn at once


def test_history_right_click_opens_the_dialog_on_that_entry(qtbot, up_window) -> None:
    window = up_window
    small = _add(window, _sprite(40))
    _add(window, _sprite(200))  # the canvas shows another entry
    menu = window.history_panel.context_menu(window.document.entry(small))
    action = next(a for a in menu.actions() if a.text() == "Upscale…")
    action.trigger()
    dialog = _open_dialog(qtbot, window)
    assert _pixmap_size(dialog.before_label) == (40, 40)  # all of the small entry


def test_the_combo_lists_nearest_then_the_models_found(qtbot, up_window) -> None:
    window = up_window
    qtbot.waitUntil(lambda: bool(window.game._addons), timeout=TIMEOUT)
    dialog = window.game.upscale_dialog(_add(window, _sprite()), window)
    qtbot.addWidget(dialog)
    combo = dialog.upscaler_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [NEAREST_LABEL, "tiny-esrgan"]
    assert dialog.empty_label.isHidden()
    scales = dialog.scale_combo
    assert [scales.itemData(i) for i in range(scales.count())] == [2, 3, 4, 6, 8]
    combo.setCurrentIndex(1)
    # A model offers its own factor first, and it is chosen.
    assert [scales.itemData(i) for i in range(scales.count())] == [MODEL_OWN, 2, 3, 4]
    assert dialog.view_model.scale == MODEL_OWN


def test_without_upscaler_models_the_dialog_says_how_to_add_one(qtbot, window) -> None:
    source = _add(window, _sprite())
    dialog = window.game.upscale_dialog(source, window)
    qtbot.addWidget(dialog)
    dialog.show()
    combo = dialog.upscaler_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [NEAREST_LABEL]
    assert dialog.empty_label.isVisible() and dialog.empty_label.text() == NO_UPSCALERS
    assert "File > Add Model Folder" in NO_UPSCALERS


def test_keep_tiling_follows_the_entry_recipe(qtbot, up_window) -> None:
    window = up_window
    tiled = _add(window, _sprite(), {"request": {"tile_x": True, "tile_y": False}})
    plain = _add(window, _sprite())
    dialog = window.game.upscale_dialog(tiled, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.tiling_check.isVisible() and dialog.tiling_check.isChecked()
    request = dialog.view_model.build_request(_sprite(), _source_of(window, tiled))
    assert (request.tile_x, request.tile_y) == (True, False)
    dialog.tiling_check.setChecked(False)
    request = dialog.view_model.build_request(_sprite(), _source_of(window, tiled))
    assert (request.tile_x, request.tile_y) == (False, False)
    other = window.game.upscale_dialog(plain, window)
    qtbot.addWidget(other)
    other.show()
    assert not other.tiling_check.isVisible() and not other.view_model.keep_tiling


def _source_of(window, entry_id: int):
    from studio.domain.image_requests import EditSource

    entry = window.document.entry(entry_id)
    return EditSource(entry.id, entry.prompt, entry.recipe)


def test_a_model_preview_runs_as_a_job_and_is_never_kept(qtbot, up_window) -> None:
    window = up_window
    qtbot.waitUntil(lambda: bool(window.game._addons), timeout=TIMEOUT)
    source = _add(window, _sprite(20))
    before = len(window.document.entries())
    dialog = window.game.upscale_dialog(source, window)
    qtbot.addWidget(dialog)
    dialog.upscaler_combo.setCurrentIndex(1)
    qtbot.waitUntil(lambda: dialog.previewing, timeout=TIMEOUT)  # the next turn of the loop
    assert dialog.preview_state.text() == PREVIEWING
    assert dialog.after_label.pixmap().isNull()  # nearest's picture is not left standing
    engine = window.facade._worker._engine
    assert len(engine.requests) == 1  # one job for the new upscaler and its scale
    with qtbot.waitSignal(dialog.preview_ended, timeout=60_000):
        pass  # no event was handled since the job was submitted: the end is still to come
    assert dialog.preview_state.text() == ""
    assert _pixmap_size(dialog.after_label) == (80, 80)  # the model's own 4x, at 1:1
    assert len(window.document.entries()) == before  # a preview is not a result
    assert engine.on_gui_thread == [False]  # the worker ran it


def test_ok_adds_the_upscaled_entry_with_its_recipe(qtbot, up_window) -> None:
    window = up_window
    qtbot.waitUntil(lambda: bool(window.game._addons), timeout=TIMEOUT)
    source = _add(window, _sprite(20))
    dialog = window.game.upscale_dialog(source, window)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.preview_ended, timeout=60_000):
        dialog.upscaler_combo.setCurrentIndex(1)
    tiles: list[str] = []
    # Connected after the controller's own slot: sees the status bar as it was just drawn.
    window.facade.progress.connect(
        lambda _job, update: update.message or tiles.append(window.status.task_bar.text())
    )
    with qtbot.waitSignal(window.game.image_edited, timeout=60_000) as blocker:
        dialog.accept()
    qtbot.waitUntil(lambda: not window.game.busy, timeout=TIMEOUT)
    entry = window.document.entry(blocker.args[0])
    assert entry.kind == "upscale" and entry.prompt == "a knight"
    assert entry.recipe["extra"]["Postprocess upscaler"] == "tiny-esrgan"
    assert entry.recipe["extra"]["Postprocess upscale by"] == 4
    assert entry.recipe["request"]["source_entry_id"] == source
    assert load_pixels(window.document.image_png(entry.image_id)).shape[:2] == (80, 80)
    assert window.history.current_entry_id == entry.id
    assert tiles and tiles[-1] == "1/1"  # progress per tile in the status bar
    assert window.statusBar().currentMessage() == f"Upscaled: new entry #{entry.id}"


def test_nearest_ok_keeps_every_pixel_as_a_block(qtbot, up_window) -> None:
    window = up_window
    sprite = _sprite(16)
    dialog = window.game.upscale_dialog(_add(window, sprite), window)
    qtbot.addWidget(dialog)
    dialog.scale_combo.setCurrentIndex(dialog.scale_combo.findData(3))
    with qtbot.waitSignal(window.game.image_edited, timeout=TIMEOUT) as blocker:
        dialog.accept()
    entry = window.document.entry(blocker.args[0])
    result = load_pixels(window.document.image_png(entry.image_id), mode="RGB")
    assert (result == np.repeat(np.repeat(sprite, 3, axis=0), 3, axis=1)).all()
    assert entry.recipe["extra"]["Postprocess upscaler"] == "nearest"


def test_cancel_adds_nothing_and_says_so(qtbot, up_window) -> None:
    window = up_window
    engine = window.facade._worker._engine
    qtbot.waitUntil(lambda: bool(window.game._addons), timeout=TIMEOUT)
    before = len(window.document.entries())
    dialog = window.game.upscale_dialog(_add(window, _sprite(20)), window)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.preview_ended, timeout=60_000):
        dialog.upscaler_combo.setCurrentIndex(1)
    engine.hold = True
    with qtbot.waitSignal(window.game.edit_ended, timeout=60_000):
        dialog.accept()
        assert engine.held.wait(timeout=30)
        window.menu_actions.cancel.trigger()  # Esc
        engine.resume.set()
    assert window.statusBar().currentMessage() == "Not upscaled (cancelled)"
    assert len(window.document.entries()) == before + 1  # only the source
    assert not window.game.busy


def test_a_failing_upscaler_is_one_message(qtbot, up_window, upscalers: Path) -> None:
    window = up_window
    qtbot.waitUntil(lambda: bool(window.game._addons), timeout=TIMEOUT)
    source = _add(window, _sprite(20))
    before = len(window.document.entries())
    dialog = window.game.upscale_dialog(source, window)
    qtbot.addWidget(dialog)
    dialog.scale_combo.setCurrentIndex(0)
    # The file was found by the scan, then damaged on disk before the job loads it.
    (upscalers / "tiny-esrgan.pth").write_bytes(b"PK\x03\x04 not a torch file any more")
    with qtbot.waitSignal(dialog.preview_ended, timeout=60_000):
        dialog.upscaler_combo.setCurrentIndex(1)
    assert dialog.preview_state.text().startswith("No preview: ")
    with qtbot.waitSignal(window.game.edit_ended, timeout=60_000):
        dialog.accept()
    text = window.notice.text()
    assert text.startswith(f"Could not upscale #{source}: ") and "tiny-esrgan" in text
    assert "\n" not in text and "Traceback" not in text
    assert len(window.document.entries()) == before
