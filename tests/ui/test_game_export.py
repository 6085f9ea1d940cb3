"""The window's game-asset tools: sprite-sheet dialog, palette lock, remove background."""

from __future__ import annotations

import json

import numpy as np

from studio.imaging.decode import load_pixels
from studio.imaging.palettes import BUILTIN_PALETTES, off_palette_mask
from studio.imaging.png import encode_png, png_text_chunks
from studio.imaging.thumbnails import make_thumbnail
from studio.ui.palette_lock_dialog import NO_PALETTE
from studio.ui.sheet_export_dialog import ENTRY_ROLE
from tests.imaging.sheets.conftest import make_sprites
from tests.imaging.sheets.readers import read_godot, read_unity
from tests.ui.conftest import TIMEOUT
from tests.ui.test_history_and_project import _generate


def _add(window, pixels: np.ndarray, prompt: str) -> int:
    entry = window.document.add_image(
        kind="import", png=encode_png(pixels), thumbnail=make_thumbnail(pixels),
        width=pixels.shape[1], height=pixels.shape[0], prompt=prompt, recipe={"seed": 1},
    )  # fmt: skip
    return entry.id


def test_sheet_dialog_previews_and_exports_a_walk_cycle(qtbot, window, tmp_path) -> None:
    ids = [_add(window, sprite, f"knight {i}") for i, sprite in enumerate(make_sprites(8))]
    dialog = window.game.sheet_dialog(ids[:1], window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert len(dialog.checked_items()) == 1
    for row in range(dialog.entries.count()):
        dialog.entries.item(row).setSelected(True)
    dialog.name_pattern.setText("walk_{n}")
    dialog._rename_selected()
    dialog.anim_name.setText("walk")
    dialog.anim_fps.setValue(10)
    dialog._add_animation_from_selection()
    dialog.trim.setChecked(True)
    qtbot.waitUntil(
        lambda: dialog.sheet is not None and len(dialog.sheet.frames) == 8, timeout=TIMEOUT
    )
    assert dialog.preview.pixmap() is not None and not dialog.preview.pixmap().isNull()
    assert "8 frame(s)" in dialog.summary.text() and "walk (8 @ 10 fps)" in dialog.summary.text()
    assert [dialog.entries.item(r).data(ENTRY_ROLE) for r in range(8)] == ids
    dialog.engine_boxes["godot4"].setChecked(True)
    dialog.engine_boxes["unity"].setChecked(True)
    dialog.engine_boxes["aseprite"].setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=TIMEOUT):
        dialog.export_to(tmp_path / "export")
    names = sorted(p.name for p in dialog.written)
    assert "sheet.tres" in names and "sheet.png.meta" in names and "sheet.aseprite.json" in names
    walk = read_godot((tmp_path / "export" / "sheet.tres").read_bytes()).get_sections()[-1]
    assert walk["animations"][0]["name"] == "walk" and walk["animations"][0]["speed"] == 10.0
    sprites = read_unity((tmp_path / "export" / "sheet.png.meta").read_bytes())
    assert [s["name"] for s in sprites["TextureImporter"]["spriteSheet"]["sprites"]] == [
        f"walk_{n}" for n in range(8)
    ]
    recipes = json.loads((tmp_path / "export" / "sheet.recipes.json").read_text())
    assert [f["entry_id"] for f in recipes["frames"]] == ids
    # The engines and layout are remembered by the project for the next export.
    again = window.game.sheet_dialog([], window)
    qtbot.addWidget(again)
    assert again.engine_boxes["aseprite"].isChecked() and again.trim.isChecked()
    assert again.error == "Check the entries that become frames."


def test_a_bad_animation_shows_why_and_disables_export(qtbot, window) -> None:
    ids = [_add(window, sprite, "k") for sprite in make_sprites(2)]
    dialog = window.game.sheet_dialog(ids, window)
    qtbot.addWidget(dialog)
    dialog.add_animation("run", 8, ["missing"])
    dialog.repack()
    assert dialog.sheet is None and "not in the sheet: missing" in dialog.preview.text()
    assert not dialog.buttons.buttons()[0].isEnabled()


def test_locked_palette_snaps_new_results_and_the_check_says_so(qtbot, window) -> None:
    dialog = window.game.palette_dialog(0, window)
    qtbot.addWidget(dialog)
    dialog.choose("PICO-8")
    dialog.accept()
    assert window.document.palette_lock() == BUILTIN_PALETTES["PICO-8"]
    _generate(qtbot, window, "a slime", seed=3)
    entry = window.history_model.entries()[0]
    pixels = load_pixels(window.document.image_png(entry.image_id))
    assert off_palette_mask(pixels, BUILTIN_PALETTES["PICO-8"]).sum() == 0
    assert entry.recipe["extra"]["palette_lock"] == "PICO-8"
    check = window.game.palette_dialog(entry.id, window)
    qtbot.addWidget(check)
    assert "uses only PICO-8 colours" in check.check.text()
    check.choose(NO_PALETTE)
    check.accept()
    assert window.document.palette_lock() is None


def test_remove_background_adds_a_cut_out_entry(qtbot, window) -> None:
    image = np.zeros((40, 40, 4), dtype=np.uint8)
    image[...] = (8, 162, 24, 255)
    image[8:30, 10:28] = (220, 50, 60, 255)
    source = _add(window, image, "slime on green")
    with qtbot.waitSignal(window.game.image_edited, timeout=60_000) as blocker:
        assert window.game.remove_background(source)
    qtbot.waitUntil(lambda: not window.game.busy, timeout=TIMEOUT)
    entry = window.document.entry(blocker.args[0])
    result = load_pixels(window.document.image_png(entry.image_id))
    assert result[20, 20, 3] == 255 and result[2, 2, 3] == 0
    assert entry.recipe["request"]["source_entry_id"] == source
    assert entry.recipe["extra"]["key"] == "#08a218" and entry.kind == "matte"
    assert entry.recipe["extra"]["source_recipe"] == {"seed": 1}  # the source's recipe travels
    assert window.history.current_entry_id == entry.id


def test_remove_background_keeps_a_cut_out_sprite_and_says_so(qtbot, window) -> None:
    sprite = np.zeros((40, 40, 4), dtype=np.uint8)  # black under alpha 0: not a key colour
    sprite[8:30, 10:28] = (20, 20, 20, 255)  # a dark subject that a black key would eat
    source = _add(window, sprite, "a cut-out sprite")
    with qtbot.waitSignal(window.game.image_edited, timeout=60_000) as blocker:
        assert window.game.remove_background(source)
    qtbot.waitUntil(lambda: not window.game.busy, timeout=TIMEOUT)
    entry = window.document.entry(blocker.args[0])
    result = load_pixels(window.document.image_png(entry.image_id))
    assert (result[..., 3] == sprite[..., 3]).all()
    assert entry.recipe["extra"]["key"] is None
    assert "own transparency" in entry.recipe["extra"]["note"]
    assert "own transparency" in window.statusBar().currentMessage()


def test_remove_background_on_a_busy_image_tells_why(qtbot, window) -> None:
    noise = np.random.default_rng(0).integers(0, 256, (32, 32, 4)).astype(np.uint8)
    noise[..., 3] = 255
    source = _add(window, noise, "noise")
    before = len(window.document.entries())
    with qtbot.waitSignal(window.game.edit_ended, timeout=60_000):
        assert window.game.remove_background(source)
    qtbot.waitUntil(lambda: not window.game.busy, timeout=TIMEOUT)
    assert "not one flat colour" in window.notice.text()
    assert len(window.document.entries()) == before


def test_transparent_background_is_for_sd_models_and_travels_in_the_request(
    qtbot, make_window
) -> None:
    from dataclasses import replace

    from studio.domain.models import ModelSource
    from tests.fakes import FAKE_MODEL, ScriptedEngine

    builtin = replace(FAKE_MODEL, id="builtin-vae", name="Built-in", source=ModelSource.BUILTIN)
    window = make_window(ScriptedEngine(models=[builtin, FAKE_MODEL]))
    panel = window.prompt_panel
    assert not panel.transparent_check.isEnabled()
    assert "always draws sprites with real transparency" in panel.transparent_check.toolTip()
    panel.select_model(FAKE_MODEL.id)
    assert panel.transparent_check.isEnabled()
    panel.transparent_check.setChecked(True)
    panel.prompt_edit.setPlainText("a slime")
    assert panel.view_model.build_request().transparent_background is True
    assert panel.view_model.state()["transparent_background"] is True


def test_pixelate_adds_palette_exact_pixel_art(qtbot, window) -> None:
    from studio.imaging.pixels import upscale_nearest

    art = make_sprites(1)[0]
    source = _add(window, upscale_nearest(art, 4), "big knight")
    window.document.set_palette_lock(BUILTIN_PALETTES["DB16"])
    dialog = window.game.pixelate_dialog(source, window)
    qtbot.addWidget(dialog)
    assert dialog.palette_combo.currentText() == "DB16 (project)"
    dialog.dither.setCurrentIndex(dialog.dither.findData("bayer4"))
    with qtbot.waitSignal(window.game.image_edited, timeout=TIMEOUT) as blocker:
        dialog.accept()
    qtbot.waitUntil(lambda: not window.game.busy, timeout=TIMEOUT)
    entry = window.document.entry(blocker.args[0])
    result = load_pixels(window.document.image_png(entry.image_id))
    assert result.shape[:2] == art.shape[:2]
    assert off_palette_mask(result, BUILTIN_PALETTES["DB16"]).sum() == 0
    request, extra = entry.recipe["request"], entry.recipe["extra"]
    assert (request["palette"], request["dither"], extra["grid"]) == ("DB16", "bayer4", 4)
    assert entry.recipe["request_type"] == "PixelateRequest" and entry.prompt == "big knight"
    # The project's copy carries the recipe too, as every other result (issue 19).
    assert png_text_chunks(window.document.image_png(entry.image_id))["studio"]


def test_exporting_over_an_earlier_export_asks_first(qtbot, window, tmp_path, monkeypatch) -> None:
    ids = [_add(window, sprite, "k") for sprite in make_sprites(2)]
    dialog = window.game.sheet_dialog(ids, window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.sheet is not None, timeout=TIMEOUT)
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "sheet.png").write_bytes(b"the earlier export")
    monkeypatch.setattr(
        "studio.ui.export_job_dialog.QFileDialog.getExistingDirectory",
        lambda *args, **kwargs: str(folder),
    )
    asked: list[list[str]] = []
    answer = {"replace": False}

    def confirm(where, names):
        asked.append(names)
        return answer["replace"]

    monkeypatch.setattr(dialog, "confirm_replace", confirm)
    dialog._on_export()
    assert asked == [["sheet.png"]]
    assert (folder / "sheet.png").read_bytes() == b"the earlier export"
    assert "Not exported" in dialog.summary.text()
    answer["replace"] = True
    with qtbot.waitSignal(dialog.export_ended, timeout=TIMEOUT) as ended:
        dialog._on_export()
    assert ended.args == ["finished", ""]
    assert (folder / "sheet.png").read_bytes() != b"the earlier export"


def test_make_seamless_is_a_job_and_carries_its_source(qtbot, window) -> None:
    source = _add(window, make_sprites(1)[0], "a wall")
    window.history.show_entry(source)
    with qtbot.waitSignal(window.edits.edit_ended, timeout=TIMEOUT):
        assert window.edits.make_seamless() and window.edits.busy
    assert not window.edits.busy
    entry = window.document.entry(window.history.current_entry_id)
    assert entry.kind == "tile" and entry.prompt == "a wall"
    assert entry.recipe["extra"]["source_entry_id"] == source
    assert entry.recipe["extra"]["source_recipe"] == {"seed": 1}


def test_a_make_seamless_bug_is_one_message_and_adds_nothing(qtbot, window, monkeypatch) -> None:
    def broken(*_args, **_kwargs):
        raise RuntimeError("the blend went wrong")

    monkeypatch.setattr("studio.imaging.seamless.repair_seams", broken)
    source = _add(window, make_sprites(1)[0], "a wall")
    window.history.show_entry(source)
    before = len(window.document.entries())
    with qtbot.waitSignal(window.edits.edit_ended, timeout=TIMEOUT):
        assert window.edits.make_seamless()
    assert not window.edits.busy and len(window.document.entries()) == before
    assert "bug in Studio (RuntimeError)" in window.notice.text()
    assert "\n" not in window.notice.text()
