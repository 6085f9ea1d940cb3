"""``studio sheet``, ``pixelate``, ``matte`` and ``tileset`` end to end, and their errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from studio.cli import main
from studio.imaging.decode import load_pixels
from studio.imaging.palettes import BUILTIN_PALETTES, off_palette_mask
from studio.imaging.pixels import upscale_nearest
from studio.imaging.png import encode_png
from studio.imaging.thumbnails import make_thumbnail
from studio.project.store import ProjectStore
from tests.imaging.sheets.conftest import make_sprites
from tests.imaging.sheets.readers import read_godot, read_libgdx_atlas, read_unity


@pytest.fixture
def sprite_files(tmp_path: Path) -> list[Path]:
    paths = []
    for index, sprite in enumerate(make_sprites(8)):
        path = tmp_path / f"knight-{index}.png"
        path.write_bytes(encode_png(sprite))
        paths.append(path)
    return paths


def _fail(capsys, argv: list[str], words: str) -> None:
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert words in err and "\n" not in err and "Traceback" not in err, err


def test_sheet_with_a_walk_animation_in_every_format(tmp_path, sprite_files, capsys) -> None:
    out = tmp_path / "export"
    argv = ["sheet", *map(str, sprite_files), "-o", str(out), "--format", "all", "--trim"]
    assert main([*argv, "--anim", "walk:8:0-7", "--scale", "2"]) == 0
    assert "8 frames" in capsys.readouterr().out
    tp = json.loads((out / "sheet.json").read_text())
    assert list(tp["frames"]) == [f"knight-{i}" for i in range(8)]
    assert tp["animations"]["walk"] == [f"knight-{i}" for i in range(8)]
    assert tp["frames"]["knight-0"]["sourceSize"] == {"w": 48, "h": 48}
    walk = read_godot((out / "sheet.tres").read_bytes()).get_sections()[-1]["animations"][0]
    assert walk["name"] == "walk" and walk["speed"] == 8.0 and len(walk["frames"]) == 8
    assert (
        len(
            read_unity((out / "sheet.png.meta").read_bytes())["TextureImporter"]["spriteSheet"][
                "sprites"
            ]
        )
        == 8
    )
    assert read_libgdx_atlas((out / "sheet.atlas").read_bytes())[0]["image"] == "sheet.png"
    recipes = json.loads((out / "sheet.recipes.json").read_text())
    assert [f["file"] for f in recipes["frames"]] == [p.name for p in sprite_files]


def test_sheet_from_history_entries_carries_their_recipes(tmp_path, sprite_files) -> None:
    project = ProjectStore.create(tmp_path / "game.studio")
    ids = []
    for index, sprite in enumerate(make_sprites(3)):
        entry = project.add_image_entry(
            "generate", encode_png(sprite), make_thumbnail(sprite), sprite.shape[1],
            sprite.shape[0], f"knight pose {index}", {"seed": index, "model": "builtin"},
        )  # fmt: skip
        ids.append(entry.id)
    project.close()
    out = tmp_path / "export"
    argv = [
        "sheet",
        *[f"#{i}" for i in ids],
        "-o",
        str(out),
        "--project",
        str(tmp_path / "game.studio"),
    ]
    assert main([*argv, "--format", "csv", "--frames", "a,b,c", "--anim", "idle:4:a,c"]) == 0
    recipes = json.loads((out / "sheet.recipes.json").read_text())
    assert [f["entry_id"] for f in recipes["frames"]] == ids
    assert [f["recipe"]["seed"] for f in recipes["frames"]] == [0, 1, 2]
    assert recipes["animations"][0]["frames"] == ["a", "c"]


def test_sheet_name_from_a_prompt_stays_inside_the_folder(tmp_path, sprite_files) -> None:
    out = tmp_path / "export"
    assert (
        main(
            [
                "sheet",
                str(sprite_files[0]),
                "-o",
                str(out),
                "--name",
                "../../a knight/..",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    assert all(p.parent == out for p in out.iterdir())
    assert not any(p.suffix == ".csv" for p in tmp_path.iterdir())


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--format", "phaser9"], "Unknown format 'phaser9'"),
        (["--anim", "walk:8:0-9"], "frame 8 does not exist"),
        (["--anim", "walk:fast:0"], "'fast' is not a frame rate"),
        (["--grid", "4by2"], "must look like 4x2"),
        (["--scale", "3"], "Scale 3 must be 1, 2, 4 or 8"),
        (["--padding", "-1"], "--padding must be 0-64"),
        (["--max-size", "20", "--scale", "8"], "does not fit"),
    ],
)
def test_sheet_errors_are_one_line(tmp_path, sprite_files, capsys, extra, words) -> None:
    _fail(capsys, ["sheet", *map(str, sprite_files), "-o", str(tmp_path / "o"), *extra], words)


def test_sheet_entries_need_a_project(tmp_path, capsys) -> None:
    _fail(capsys, ["sheet", "#3", "-o", str(tmp_path / "o")], "need --project")
    missing = str(tmp_path / "none.studio")
    _fail(
        capsys, ["sheet", "#3", "-o", str(tmp_path / "o"), "--project", missing], "does not exist"
    )


def test_sheet_refuses_a_missing_or_broken_image(tmp_path, capsys) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    _fail(capsys, ["sheet", str(tmp_path / "nope.png"), "-o", str(tmp_path / "o")], "nope.png")
    _fail(capsys, ["sheet", str(broken), "-o", str(tmp_path / "o")], "broken.png")


def test_pixelate_writes_palette_exact_pixel_art(tmp_path, capsys) -> None:
    art = make_sprites(1)[0]
    source = tmp_path / "big.png"
    source.write_bytes(encode_png(upscale_nearest(art, 4)))
    out = tmp_path / "px.png"
    assert (
        main(["pixelate", str(source), "-o", str(out), "--palette", "db16", "--dither", "bayer4"])
        == 0
    )
    assert "grid 4 px" in capsys.readouterr().out
    result = load_pixels(out)
    assert result.shape[:2] == art.shape[:2]
    assert off_palette_mask(result, BUILTIN_PALETTES["DB16"]).sum() == 0


def test_pixelate_with_a_palette_file_and_from_image(tmp_path, capsys) -> None:
    source = tmp_path / "s.png"
    source.write_bytes(encode_png(make_sprites(1)[0]))
    saved = tmp_path / "mine.gpl"
    assert main(["pixelate", str(source), "-o", str(tmp_path / "a.png"), "--palette", "from-image",
                 "--colors", "5", "--grid", "1", "--save-palette", str(saved)]) == 0  # fmt: skip
    assert saved.read_text().startswith("GIMP Palette")
    assert (
        main(
            [
                "pixelate",
                str(source),
                "-o",
                str(tmp_path / "b.png"),
                "--palette",
                str(saved),
                "--grid",
                "1",
            ]
        )
        == 0
    )
    assert len(np.unique(load_pixels(tmp_path / "b.png")[..., :3].reshape(-1, 3), axis=0)) <= 6


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--palette", "nope"], "Unknown palette 'nope'"),
        (["--dither", "blue-noise"], "Dither 'blue-noise' is not one of"),
        (["--grid", "x"], "--grid must be a whole number"),
    ],
)
def test_pixelate_errors_are_one_line(tmp_path, capsys, extra, words) -> None:
    source = tmp_path / "s.png"
    source.write_bytes(encode_png(make_sprites(1)[0]))
    _fail(capsys, ["pixelate", str(source), "-o", str(tmp_path / "o.png"), *extra], words)


def test_matte_removes_a_green_background(tmp_path, capsys) -> None:
    image = np.zeros((40, 40, 3), dtype=np.uint8)
    image[...] = (8, 162, 24)
    image[10:30, 12:28] = (200, 40, 60)
    source = tmp_path / "on-green.png"
    source.write_bytes(encode_png(image))
    out = tmp_path / "cut.png"
    assert main(["matte", str(source), "-o", str(out)]) == 0
    assert "key #08a218" in capsys.readouterr().out
    alpha = load_pixels(out)[..., 3]
    assert alpha[20, 20] == 255 and alpha[2, 2] == 0
    assert (alpha > 0).sum() == 20 * 16


def test_matte_on_a_busy_image_is_one_line(tmp_path, capsys) -> None:
    noise = np.random.default_rng(0).integers(0, 256, (32, 32, 3)).astype(np.uint8)
    source = tmp_path / "busy.png"
    source.write_bytes(encode_png(noise))
    _fail(capsys, ["matte", str(source), "-o", str(tmp_path / "o.png")], "not one flat colour")
    _fail(
        capsys,
        ["matte", str(source), "-o", str(tmp_path / "o.png"), "--key", "green"],
        "like 00ff00",
    )


def test_tileset_from_a_folder(tmp_path, capsys) -> None:
    tiles = tmp_path / "tiles"
    tiles.mkdir()
    for index, sprite in enumerate(make_sprites(4, size=24)):
        (tiles / f"t{index}.png").write_bytes(encode_png(sprite[:, :24]))
    out = tmp_path / "export"
    assert main(["tileset", str(tiles), "-o", str(out), "--name", "dungeon"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        ".studio-export.json", "dungeon.png", "dungeon.png.import", "dungeon.recipes.json",
        "dungeon.tileset.tres", "dungeon.tmx", "dungeon.tsx",
    ]  # fmt: skip
    recipes = json.loads((out / "dungeon.recipes.json").read_text())
    assert [t["file"] for t in recipes["tiles"]] == [f"t{i}.png" for i in range(4)]
    assert recipes["tiles"][1]["xy"] == [24, 0]
    other = tmp_path / "other"  # `out` now holds an export: a second one there is refused
    _fail(capsys, ["tileset", str(tmp_path / "empty-nothing"), "-o", str(other)], "empty-nothing")


def test_sheet_from_a_palette_locked_project_is_on_the_palette(tmp_path, capsys) -> None:
    from studio.project.palette_lock import save_palette_lock

    project = ProjectStore.create(tmp_path / "game.studio")
    sprite = make_sprites(1)[0]
    entry = project.add_image_entry(
        "generate", encode_png(sprite), make_thumbnail(sprite), 24, 24, "slime", {}
    )
    save_palette_lock(project, BUILTIN_PALETTES["Game Boy"])
    project.close()
    base = ["sheet", f"#{entry.id}", "--project", str(tmp_path / "game.studio"), "--format", "csv"]
    assert main([*base, "-o", str(tmp_path / "locked")]) == 0
    assert "snapped to Game Boy" in capsys.readouterr().out
    page = load_pixels(tmp_path / "locked" / "sheet.png")
    assert off_palette_mask(page, BUILTIN_PALETTES["Game Boy"]).sum() == 0
    assert main([*base, "-o", str(tmp_path / "free"), "--keep-colours"]) == 0
    page = load_pixels(tmp_path / "free" / "sheet.png")
    assert off_palette_mask(page, BUILTIN_PALETTES["Game Boy"]).sum() > 0
