"""Image › Export Tile Set…: tiles picked from the history, a preview of the set and a sample
map, and an export for Tiled and Godot 4 that is the CLI's request run on the CPU lane."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

import studio.ops.export as export
from studio.domain.export_requests import ExportImage, TilesetRequest
from studio.domain.pixelate_options import PixelateOptions
from studio.imaging.palettes import BUILTIN_PALETTES
from studio.imaging.png import encode_png
from studio.imaging.thumbnails import make_thumbnail
from studio.ops.export_manifest import MANIFEST_NAME
from studio.ui.tileset_dialog import (
    EMPTY_HISTORY,
    NOTHING_CHECKED,
    TILESET_STATE_KEY,
    TilesetExportDialog,
)
from studio.ui.tileset_form import TILE_ROLE
from tests.ui.conftest import TIMEOUT
from tests.write_threads import record_write_threads

_COLOURS = [(60, 140, 50), (90, 160, 60), (120, 100, 60)]


def _tile(colour: tuple[int, int, int], size: int = 16) -> np.ndarray:
    tile = np.full((size, size, 4), 255, dtype=np.uint8)
    tile[:, :, :3] = colour
    tile[size // 2, :, :3] = 0  # a line across, so seams and order are visible
    return tile


def _add(window, pixels: np.ndarray, prompt: str = "grass ground texture") -> int:
    entry = window.document.add_image(
        kind="import", png=encode_png(pixels), thumbnail=make_thumbnail(pixels),
        width=pixels.shape[1], height=pixels.shape[0], prompt=prompt, recipe={},
    )  # fmt: skip
    return entry.id


def _dialog(qtbot, window, ids: list[int]) -> TilesetExportDialog:
    dialog = TilesetExportDialog(window.document, ids, window.jobs, window)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _three(qtbot, window) -> tuple[TilesetExportDialog, list[int]]:
    ids = [_add(window, _tile(colour)) for colour in _COLOURS]
    return _dialog(qtbot, window, ids), ids


def _save(dialog) -> object:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


def test_an_empty_history_explains_how_to_make_tiles(qtbot, window) -> None:
    dialog = _dialog(qtbot, window, [])
    assert dialog.tileset is None and dialog.error == EMPTY_HISTORY
    assert "Tile X and Tile Y" in dialog.tileset_view.text()
    assert not _save(dialog).isEnabled()


def test_nothing_checked_says_what_to_check(qtbot, window) -> None:
    _add(window, _tile(_COLOURS[0]))
    dialog = _dialog(qtbot, window, [])
    assert dialog.error == NOTHING_CHECKED and dialog.tileset_view.text() == NOTHING_CHECKED
    dialog.tiles.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: dialog.tileset is not None, timeout=TIMEOUT)
    assert _save(dialog).isEnabled()


def test_the_preview_shows_the_set_and_a_sample_map(qtbot, window) -> None:
    dialog, ids = _three(qtbot, window)
    assert dialog.checked_ids() == ids  # oldest first: the order they were made
    assert dialog.tileset is not None and dialog.tileset.count == 3
    assert not dialog.tileset_view.pixmap().isNull() and not dialog.map_view.pixmap().isNull()
    assert "3 tile(s) of 16×16, 2 column(s)" in dialog.summary.text()
    assert "tiles.tsx" in dialog.summary.text() and "tiles.tileset.tres" in dialog.summary.text()
    dialog.view_model.columns = 3
    qtbot.waitUntil(lambda: dialog.tileset is not None and dialog.tileset.columns == 3)


def test_tiles_of_different_sizes_are_one_line_in_the_preview(qtbot, window) -> None:
    ids = [_add(window, _tile(_COLOURS[0])), _add(window, _tile(_COLOURS[1], size=24))]
    dialog = _dialog(qtbot, window, ids)
    assert dialog.tileset is None and "every tile must be 16x16" in (dialog.error or "")
    assert "\n" not in dialog.error and not _save(dialog).isEnabled()


def test_the_window_writes_what_the_cli_request_writes_on_the_cpu_lane(
    qtbot, window, tmp_path, monkeypatch
) -> None:
    dialog, _ids = _three(qtbot, window)
    threads = record_write_threads(monkeypatch)
    folder = tmp_path / "export"
    with qtbot.waitSignal(dialog.accepted, timeout=TIMEOUT):
        dialog.export_to(folder)
    assert threads == ["studio-edits"]  # not the GUI thread
    made = sorted(p.name for p in folder.iterdir() if p.name != MANIFEST_NAME)
    assert sorted(p.name for p in dialog.written) == made
    # The same request `studio tileset` builds, written by the same use case: the same bytes.
    tiles = tuple(ExportImage(f"t{n}", _tile(colour)) for n, colour in enumerate(_COLOURS))
    monkeypatch.undo()
    direct = export.export_tileset(TilesetRequest(tmp_path / "cli", tiles))
    for path in direct.written:
        if not path.name.endswith(".recipes.json"):  # the window's names its entries
            assert (folder / path.name).read_bytes() == path.read_bytes(), path.name
    assert len(window.document.entries()) == 3  # an export adds no history image


def test_the_export_asks_before_replacing_an_earlier_tile_set(
    qtbot, window, tmp_path, monkeypatch
) -> None:
    dialog, _ids = _three(qtbot, window)
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "tiles.png").write_bytes(b"an earlier export")
    monkeypatch.setattr(
        "studio.ui.export_job_dialog.QFileDialog.getExistingDirectory", lambda *a: str(folder)
    )
    asked: list[list[str]] = []
    answer = [False]

    def confirm(where: Path, names: list[str]) -> bool:
        asked.append(names)
        return answer[0]

    dialog.confirm_replace = confirm
    dialog.export_requested.emit()
    assert asked == [["tiles.png"]] and not dialog.exporting
    assert (folder / "tiles.png").read_bytes() == b"an earlier export"
    assert "Not exported" in dialog.summary.text()
    answer[0] = True
    with qtbot.waitSignal(dialog.accepted, timeout=TIMEOUT):
        dialog.export_requested.emit()
    assert (folder / "tiles.png").read_bytes().startswith(b"\x89PNG")
    assert {"tiles.tsx", "tiles.tmx", "tiles.tileset.tres"} <= {p.name for p in folder.iterdir()}


def _hold_cpu_lane(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """A pixelate that waits on the CPU lane until released, so an export queues behind it."""
    from studio.imaging import pixelart

    entered, release = threading.Event(), threading.Event()
    real = pixelart.pixelate

    def slow(pixels, options):
        entered.set()
        release.wait(TIMEOUT / 1000)
        return real(pixels, options)

    monkeypatch.setattr("studio.imaging.pixelart.pixelate", slow)
    return entered, release


def test_cancel_while_the_export_waits_shows_progress_then_writes_nothing(
    qtbot, window, tmp_path, monkeypatch
) -> None:
    dialog, ids = _three(qtbot, window)
    entered, release = _hold_cpu_lane(monkeypatch)
    window.game.pixelate(ids[0], PixelateOptions(palette=BUILTIN_PALETTES["PICO-8"], cell=2))
    assert entered.wait(TIMEOUT / 1000)
    folder = tmp_path / "export"
    with qtbot.waitSignal(dialog.export_ended, timeout=TIMEOUT) as ended:
        dialog.export_to(folder)
        assert dialog.exporting and dialog.busy_bar.isVisible() and not _save(dialog).isEnabled()
        dialog.reject()  # Cancel or Esc: the dialog stays until the job says how it ended
        assert dialog.isVisible() and "Cancelling" in dialog.summary.text()
        release.set()
    assert ended.args == ["cancelled", ""]
    assert "cancelled" in dialog.summary.text() and not dialog.busy_bar.isVisible()
    assert not folder.exists() or not any(folder.iterdir())
    qtbot.waitUntil(lambda: not window.game.busy, timeout=TIMEOUT)
    dialog.reject()  # nothing running now: it closes
    assert not dialog.isVisible()


def test_cancel_after_the_export_started_writes_nothing(
    qtbot, window, tmp_path, monkeypatch
) -> None:
    dialog, _ids = _three(qtbot, window)
    encoding, release = threading.Event(), threading.Event()
    real_files = export.tileset_files

    def slow_files(*args, **kwargs):  # the job is running: its grid is laid, files not yet
        encoding.set()
        release.wait(TIMEOUT / 1000)
        return real_files(*args, **kwargs)

    monkeypatch.setattr(export, "tileset_files", slow_files)
    folder = tmp_path / "export"
    with qtbot.waitSignal(dialog.export_ended, timeout=TIMEOUT) as ended:
        dialog.export_to(folder)
        assert encoding.wait(TIMEOUT / 1000)
        dialog.reject()  # Cancel while the CPU lane runs the export
        release.set()
    assert ended.args == ["cancelled", ""]
    assert not folder.exists() or not any(folder.iterdir())


def test_a_failed_export_is_one_line_and_the_dialog_stays(qtbot, window, tmp_path) -> None:
    dialog, _ids = _three(qtbot, window)
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    with qtbot.waitSignal(dialog.export_ended, timeout=TIMEOUT) as ended:
        dialog.export_to(blocker)
    outcome, message = ended.args
    assert outcome == "failed" and "\n" not in message and "bug" not in message
    assert dialog.isVisible() and message in dialog.summary.text() and _save(dialog).isEnabled()


def test_the_project_remembers_the_grid_name_and_folder(qtbot, window, tmp_path) -> None:
    dialog, ids = _three(qtbot, window)
    dialog.view_model.columns, dialog.view_model.name = 3, "meadow"
    dialog.rebuild()
    with qtbot.waitSignal(dialog.accepted, timeout=TIMEOUT):
        dialog.export_to(tmp_path / "out")
    assert (tmp_path / "out" / "meadow.tsx").exists()
    again = _dialog(qtbot, window, ids)
    vm = again.view_model
    assert (vm.columns, vm.name, vm.folder) == (3, "meadow", str(tmp_path / "out"))
    assert again.columns_input.value() == 3 and again.name_input.text() == "meadow"


def test_damaged_remembered_settings_fall_back_to_defaults(qtbot, window) -> None:
    window.document.save_export_settings(TILESET_STATE_KEY, {"columns": "many", "name": 7})
    dialog = _dialog(qtbot, window, [])
    assert (dialog.view_model.columns, dialog.view_model.name) == (0, "tiles")


def test_the_image_menu_opens_it_with_the_current_image_checked(qtbot, window) -> None:
    ids = [_add(window, _tile(colour)) for colour in _COLOURS]
    window.history.show_entry(ids[1])
    action = window.menu_actions.export_tileset
    image_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Image")
    assert action in image_menu.actions() and action.shortcut().toString() == "Ctrl+Alt+T"
    action.trigger()
    dialog = window.findChild(TilesetExportDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.checked_ids() == [ids[1]]
    checked = [dialog.tiles.item(r).data(TILE_ROLE) for r in range(dialog.tiles.count())]
    assert checked == ids


@pytest.mark.parametrize("count", [1, 3])
def test_the_sample_map_uses_every_tile_and_lets_them_meet(count: int) -> None:
    from studio.imaging.tilesets import build_tileset
    from studio.ui.tileset_preview import sample_map

    tiles = [_tile(colour) for colour in _COLOURS[:count]]
    tileset = build_tileset("t", tiles, spacing=2, margin=1)
    picture = sample_map(tileset, 4)
    assert picture.shape == (64, 64, 4)
    cells = [picture[r : r + 16, c : c + 16] for r in range(0, 64, 16) for c in range(0, 64, 16)]
    used = [next(i for i, t in enumerate(tiles) if np.array_equal(cell, t)) for cell in cells]
    assert sorted(set(used)) == list(range(count))  # every cell is a whole tile, all used
