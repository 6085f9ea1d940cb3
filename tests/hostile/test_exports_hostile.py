"""Hostile input to the image export commands: ``studio sheet``, ``tileset`` and ``pixelate``.

Issue 18, image exports: thousands of mixed frames hung the packer, ``--scale`` built a 32768 px
image before checking it, an entry number SQLite cannot hold and Python's digit limit ended in
"bug in Studio", a palette's ``Name:`` reached the terminal, a tile set named with control
characters was written as malformed XML, and ``pixelate`` replaced files and wrote its image
before finding that ``--save-palette`` could not be written. Every case runs under a timeout,
so a hang is a failure (RELIABILITY 21-25).
"""

from __future__ import annotations

import json
import os
import tracemalloc
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pytest
import pytmx

from studio.cli import main
from studio.imaging.png import encode_png
from studio.project.store import ProjectStore
from tests.imaging.sheets.readers import read_csv, read_godot, read_libgdx_atlas, read_unity

pytestmark = pytest.mark.timeout(30)

HUGE = "9" * 5000  # past Python's 4300-digit int() limit


def _png(path: Path, width: int, height: int, value: int = 200) -> Path:
    pixels = np.full((height, width, 4), value, dtype=np.uint8)
    path.write_bytes(encode_png(pixels))
    return path


def _refused(capsys, argv: list[str], words: str) -> str:
    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 1, err
    assert words in err, err
    assert "\n" not in err and "Traceback" not in err and len(err) < 400, err
    return err


@pytest.fixture
def tile(tmp_path: Path) -> Path:
    return _png(tmp_path / "tile.png", 16, 16)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "game.studio"
    ProjectStore.create(path).close()
    return path


# -- every expansion is counted before it is built (RELIABILITY 23) ---------------------------


def test_thousands_of_mixed_frames_are_refused_before_decoding(tmp_path, capsys) -> None:
    sizes = [(8 + i % 13 * 5, 6 + i % 7 * 9) for i in range(64)]
    files = [str(_png(tmp_path / f"f{i}.png", w, h)) for i, (w, h) in enumerate(sizes)]
    out = tmp_path / "out"
    _refused(capsys, ["sheet", *(files * 64), "-o", str(out)], "at most 1024 frames")
    assert not out.exists()


def test_a_folder_of_too_many_tiles_is_refused(tmp_path, capsys) -> None:
    folder = tmp_path / "tiles"
    folder.mkdir()
    data = encode_png(np.zeros((2, 2, 4), dtype=np.uint8))
    for index in range(4097):
        (folder / f"t{index:05}.png").write_bytes(data)
    _refused(capsys, ["tileset", str(folder), "-o", str(tmp_path / "o")], "at most 4096 tiles")


def _peak_bytes(argv: list[str]) -> tuple[int, int]:
    tracemalloc.start()
    try:
        code = main(argv)
        return code, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_sheet_scale_is_checked_before_a_pixel_is_made(tmp_path, capsys) -> None:
    big = _png(tmp_path / "big.png", 600, 600)
    # 600 px x 8 = 4800 px: the old code made that 92 MB sprite, then found it too large.
    code, peak = _peak_bytes(["sheet", str(big), "-o", str(tmp_path / "o"), "--scale", "8"])
    err = capsys.readouterr().err.strip()
    assert code == 1 and "4801x4801" in err and "lower the scale" in err, err
    assert peak < 64 << 20, f"{peak >> 20} MB allocated before refusing"


def test_sheet_output_over_the_pixel_cap_is_refused(tmp_path, capsys) -> None:
    big = _png(tmp_path / "big.png", 1100, 1100)
    argv = ["sheet", str(big), "-o", str(tmp_path / "o"), "--scale", "8", "--max-size", "16384"]
    code, peak = _peak_bytes(argv)
    err = capsys.readouterr().err.strip()
    assert code == 1 and "8800x8800" in err and "67.1 megapixels" in err, err
    assert peak < 64 << 20, f"{peak >> 20} MB allocated before refusing"
    assert not (tmp_path / "o").exists()


def test_pixelate_scale_is_checked_before_a_pixel_is_made(tmp_path, capsys) -> None:
    source = _png(tmp_path / "s.png", 600, 600)
    out = tmp_path / "o.png"
    # 600 x 16 = 9600 px square, 92 megapixels: more than any output may be.
    code, peak = _peak_bytes(["pixelate", str(source), "-o", str(out), "--grid", "1",
                              "--scale", "16"])  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert code == 1 and "9600x9600" in err and "lower the scale" in err, err
    assert peak < 64 << 20, f"{peak >> 20} MB allocated before refusing"
    assert not out.exists()


def test_pixelate_wider_than_any_image_is_refused(tmp_path, capsys) -> None:
    source = _png(tmp_path / "thin.png", 1100, 4)
    out = tmp_path / "o.png"
    argv = ["pixelate", str(source), "-o", str(out), "--grid", "1", "--scale", "16"]
    _refused(capsys, argv, "17600x64")
    assert not out.exists()


def test_tileset_wider_than_any_image_is_refused(tmp_path, capsys) -> None:
    tiles = [str(_png(tmp_path / f"t{i}.png", 6000, 1)) for i in range(3)]
    out = tmp_path / "o"
    _refused(capsys, ["tileset", *tiles, "-o", str(out), "--columns", "3"], "18000x1")
    assert not out.exists()


# -- hostile numbers end in one line, not "bug in Studio" (RELIABILITY 21) --------------------


@pytest.mark.parametrize("command", ["sheet", "tileset"])
@pytest.mark.parametrize("entry", ["#99999999999999999999", "entry:" + HUGE])
def test_an_entry_number_sqlite_cannot_hold(command, entry, tmp_path, project, capsys) -> None:
    argv = [command, entry, "--project", str(project), "-o", str(tmp_path / "o")]
    _refused(capsys, argv, "is not in game.studio")


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--anim", f"walk:8:0-{HUGE}"], "frame"),
        (["--anim", f"walk:8:{HUGE}"], "frame"),
        (["--anim", "walk:8:\u00b2"], "there is no frame '\u00b2'"),
        (["--anim", "walk:1e999:0"], "fps must be"),
        (["--anim", "walk:nan:0"], "fps must be"),
        (["--padding", HUGE], "--padding must be 0-64"),
        (["--max-size", "\u00b2"], "--max-size must be a whole number"),
        (["--scale", f"-{HUGE}"], "--scale must be 1-8"),
        (["--grid", f"{HUGE}x1"], "must look like 4x2"),
    ],
)
def test_sheet_numbers_past_any_limit(tmp_path, tile, capsys, extra, words) -> None:
    _refused(capsys, ["sheet", str(tile), "-o", str(tmp_path / "o"), *extra], words)


@pytest.mark.parametrize(
    ("command", "extra", "words"),
    [
        ("tileset", ["--columns", HUGE], "--columns must be 1-4096"),
        ("tileset", ["--spacing", "1" * 30], "--spacing must be 0-64"),
        ("pixelate", ["--scale", HUGE], "--scale must be 1-16"),
        ("pixelate", ["--colors", HUGE, "--palette", "from-image"], "--colors must be"),
        ("pixelate", ["--alpha-threshold", "\u0663"], "--alpha-threshold must be a whole"),
    ],
)
def test_numbers_past_any_limit(tmp_path, tile, capsys, command, extra, words) -> None:
    out = tmp_path / ("o.png" if command == "pixelate" else "o")
    _refused(capsys, [command, str(tile), "-o", str(out), *extra], words)


# -- outputs: checked before any work, never replaced without --overwrite (RELIABILITY 24) ----


def test_pixelate_never_replaces_without_overwrite(tmp_path, tile, capsys) -> None:
    out = tmp_path / "o.png"
    out.write_bytes(b"keep me")
    _refused(capsys, ["pixelate", str(tile), "-o", str(out)], "--overwrite")
    assert out.read_bytes() == b"keep me"
    assert main(["pixelate", str(tile), "-o", str(out), "--overwrite"]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("missing/p.gpl", "does not exist"),
        ("folder.gpl", "it is a folder"),
        ("p.exe", "must end in .gpl, .pal, .hex or .txt"),
        ("taken.gpl", "--overwrite"),
    ],
)
def test_a_bad_save_palette_writes_nothing(tmp_path, tile, capsys, target, words) -> None:
    (tmp_path / "folder.gpl").mkdir()
    (tmp_path / "taken.gpl").write_text("GIMP Palette\n0 0 0\n")
    out = tmp_path / "o.png"
    argv = ["pixelate", str(tile), "-o", str(out), "--save-palette", str(tmp_path / target)]
    _refused(capsys, argv, words)
    assert not out.exists()
    assert (tmp_path / "taken.gpl").read_text() == "GIMP Palette\n0 0 0\n"


@pytest.mark.parametrize("target", ["folder.png", "missing/o.png", "tile.png/o.png"])
def test_pixelate_output_that_cannot_be_a_file(tmp_path, tile, capsys, target) -> None:
    (tmp_path / "folder.png").mkdir()
    _refused(capsys, ["pixelate", str(tile), "-o", str(tmp_path / target)], "Cannot write")


@pytest.mark.parametrize("command", ["sheet", "tileset"])
def test_an_export_never_replaces_without_overwrite(command, tmp_path, tile, capsys) -> None:
    out = tmp_path / "o"
    assert main([command, str(tile), "-o", str(out), "--name", "art"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / "art.png").write_bytes(b"mine")
    before["art.png"] = b"mine"
    _refused(capsys, [command, str(tile), "-o", str(out), "--name", "art"], "--overwrite")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert main([command, str(tile), "-o", str(out), "--name", "art", "--overwrite"]) == 0
    assert (out / "art.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("command", ["sheet", "tileset"])
def test_an_export_blocked_by_a_folder_writes_nothing(command, tmp_path, tile, capsys) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "art.recipes.json").mkdir()
    argv = [command, str(tile), "-o", str(out), "--name", "art", "--overwrite"]
    _refused(capsys, argv, "art.recipes.json")
    assert [p.name for p in out.iterdir()] == ["art.recipes.json"]


@pytest.mark.parametrize("command", ["sheet", "tileset"])
@pytest.mark.parametrize("target", ["tile.png", "tile.png/o", "missing/o"])
def test_an_export_folder_that_cannot_be(command, tmp_path, tile, capsys, target) -> None:
    _refused(capsys, [command, str(tile), "-o", str(tmp_path / target)], str(tmp_path / target))


def test_a_refused_sheet_leaves_no_folder(tmp_path, tile, capsys) -> None:
    out = tmp_path / "o"
    _refused(capsys, ["sheet", str(tile), "-o", str(out), "--anim", "walk:8:5"], "frame 5")
    assert not out.exists()


# -- every file written is valid for its format (RELIABILITY 24) ------------------------------

HOSTILE_NAMES = [
    "bad\x01\x0bname",
    "esc\x1b]0;title\x07",
    "c1\x85\x9bname",
    "lone\udcffsurrogate",
    'quote"<amp&>',
    "nonchar\ufffe\uffff",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_tileset_files_parse_whatever_the_name(name, tmp_path, tile, capsys) -> None:
    out = tmp_path / "o"
    assert main(["tileset", str(tile), str(tile), "-o", str(out), "--name", name]) == 0
    tsx = next(out.glob("*.tsx"))
    root = ElementTree.parse(tsx).getroot()
    assert root.get("tilecount") == "2"
    assert all(ord(c) >= 0x20 and not 0x7F <= ord(c) <= 0x9F for c in root.get("name"))
    tmx = next(out.glob("*.tmx"))
    ElementTree.parse(tmx)
    assert len(pytmx.TiledMap(str(tmx), load_all_tiles=False).layers) == 1
    tres = read_godot(next(out.glob("*.tres")).read_bytes())
    assert tres.get_sections()[-1]["tile_size"] is not None
    json.loads(next(out.glob("*.recipes.json")).read_bytes().decode("utf-8"))
    assert "\x1b" not in capsys.readouterr().out


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_sheet_files_parse_whatever_the_name(name, tmp_path, tile, capsys) -> None:
    out = tmp_path / "o"
    argv = ["sheet", str(tile), "-o", str(out), "--name", name, "--format", "all"]
    assert main([*argv, "--anim", "walk:8:0"]) == 0
    for path in out.iterdir():
        data = path.read_bytes()
        if path.suffix == ".json":
            json.loads(data.decode("utf-8"))
        elif path.suffix == ".tres":
            read_godot(data)
        elif path.suffix == ".meta":
            read_unity(data)
        elif path.suffix == ".atlas":
            assert read_libgdx_atlas(data)[0]["image"].endswith(".png")
        elif path.suffix == ".csv":
            assert len(read_csv(data)) == 1


@pytest.mark.skipif(os.name != "posix", reason="byte file names")
def test_a_file_name_that_is_not_utf8_gives_valid_recipes(tmp_path, capsys) -> None:
    raw = os.fsdecode(b"sprite-\xff.png")
    _png(tmp_path / raw, 8, 8)
    for command in ("sheet", "tileset"):
        out = tmp_path / command
        assert main([command, str(tmp_path / raw), "-o", str(out)]) == 0, capsys.readouterr()
        recipes = next(out.glob("*.recipes.json")).read_bytes()
        document = json.loads(recipes.decode("utf-8"))
        assert "sprite-" in json.dumps(document)


# -- text from files reaches the terminal clean (RELIABILITY 25) ------------------------------


def test_a_palette_name_is_clean_on_stdout_and_in_saved_files(tmp_path, tile, capsys) -> None:
    palette = tmp_path / "evil.gpl"
    palette.write_text(
        "GIMP Palette\nName: \x1b]0;owned\x07 evil\x9b2J\u202e\n0 0 0\n255 255 255\n"
    )
    saved = tmp_path / "saved.gpl"
    out = tmp_path / "o.png"
    argv = ["pixelate", str(tile), "-o", str(out), "--palette", str(palette)]
    assert main([*argv, "--save-palette", str(saved)]) == 0
    printed = capsys.readouterr().out
    assert "owned evil" in printed, printed
    for raw in ("\x1b", "\x07", "\x9b", "\u202e", "\\x1b", "\\x9b"):
        assert raw not in printed
    text = saved.read_text(encoding="utf-8")
    assert not any((ord(c) < 0x20 and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F for c in text)


# -- special and oversized palette files (RELIABILITY 22) -------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
@pytest.mark.parametrize("kind", ["fifo", "device", "huge", "folder"])
def test_a_palette_that_is_not_a_small_file(kind, tmp_path, tile, capsys) -> None:
    palette = tmp_path / "p.gpl"
    if kind == "fifo":
        os.mkfifo(palette)
    elif kind == "device":
        palette.symlink_to("/dev/zero")
    elif kind == "folder":
        palette.mkdir()
    else:
        with palette.open("wb") as handle:
            handle.truncate(2 << 30)  # sparse: costs nothing on disk
    out = tmp_path / "o.png"
    _refused(capsys, ["pixelate", str(tile), "-o", str(out), "--palette", str(palette)], "p.gpl")
    assert not out.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
def test_a_fifo_among_a_folders_images_is_refused(tmp_path, capsys) -> None:
    folder = tmp_path / "frames"
    folder.mkdir()
    _png(folder / "a.png", 8, 8)
    os.mkfifo(folder / "b.png")
    _refused(capsys, ["sheet", str(folder), "-o", str(tmp_path / "o")], "b.png")
