"""``studio style``: the preset list, a real run, and one clear line for every bad input."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from studio.cli import main
from studio.imaging.decode import load_pixels
from studio.imaging.png import encode_png, png_text_chunks


@pytest.fixture(autouse=True)
def _style_command(monkeypatch: pytest.MonkeyPatch, tmp_path_factory) -> None:
    """Converted weights go to a temporary cache."""
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "style-cache"))


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "photo.png"
    Image.fromarray(data.astronaut()).resize((72, 64)).save(path)
    return path


def _bomb(path: Path) -> Path:
    """A PNG header claiming 30000x30000 pixels (a decompression bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b""))
    return path


def test_list_prints_one_preset_a_line(capsys) -> None:
    assert main(["style", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 26
    assert lines[0].split(maxsplit=1) == ["0", "Soft Pastel"]
    assert lines[25].split(maxsplit=1)[0] == "25"


def test_restyles_an_image_and_writes_its_recipe(photo: Path, tmp_path: Path, capsys) -> None:
    style_image = tmp_path / "coffee.png"
    Image.fromarray(data.coffee()).resize((90, 60)).save(style_image)
    out = tmp_path / "out.png"
    argv = ["style", str(photo), "-o", str(out), "--preset", "3,19", "--style-image"]
    argv += [str(style_image), "--weights", "1,1,2", "--strength", "0.8", "--preserve-colors"]
    assert main([*argv, "--max-size", "64", "--device", "cpu"]) == 0
    pixels = load_pixels(out.read_bytes(), mode="RGB")
    assert pixels.shape == (64, 72, 3)
    recipe = json.loads(png_text_chunks(out.read_bytes())["studio"])
    assert recipe["kind"] == "style"
    assert recipe["request"]["presets"] == [3, 19]
    assert recipe["request"]["style_labels"] == ["coffee.png"]
    assert recipe["request"]["source_label"] == "photo.png"
    assert recipe["extra"]["weights"] == [0.25, 0.25, 0.5]
    assert recipe["request"]["preserve_colors"] is True
    assert "wrote" in capsys.readouterr().out


def _one_error_line(argv: list[str], capsys) -> str:
    code = main(argv)
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0
    assert len(err) == 1, err
    assert err[0].startswith("studio style: error: ")
    return err[0]


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--preset", "26"], "use 0 to 25"),
        (["--preset", "3,x"], "must be numbers"),
        (["--preset", "3", "--strength", "1.5"], "Strength"),
        (["--preset", "3", "--strength", "lots"], "must be numbers"),
        (["--preset", "3", "--weights", "1,2"], "one weight per style"),
        (["--preset", "1,2,3,4,5"], "at most 4"),
        ([], "Choose a style"),
    ],
)
def test_bad_options_are_one_line(photo: Path, tmp_path: Path, extra, fragment, capsys) -> None:
    line = _one_error_line(["style", str(photo), "-o", str(tmp_path / "o.png"), *extra], capsys)
    assert fragment in line


def test_unreadable_input_is_one_line(tmp_path: Path, capsys) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(encode_png(np.zeros((8, 8, 3), dtype=np.uint8))[:30])
    line = _one_error_line(
        ["style", str(broken), "-o", str(tmp_path / "o.png"), "--preset", "1"], capsys
    )
    assert "broken.png" in line


def test_missing_input_is_one_line(tmp_path: Path, capsys) -> None:
    line = _one_error_line(
        ["style", str(tmp_path / "nope.png"), "-o", str(tmp_path / "o.png"), "--preset", "1"],
        capsys,
    )
    assert "nope.png" in line and "not found" in line


def test_decompression_bomb_is_one_line(tmp_path: Path, capsys) -> None:
    bomb = _bomb(tmp_path / "bomb.png")
    line = _one_error_line(
        ["style", str(bomb), "-o", str(tmp_path / "o.png"), "--preset", "1"], capsys
    )
    assert "30000x30000" in line
    assert not (tmp_path / "o.png").exists()


def test_bad_style_image_and_output_name_are_one_line(photo: Path, tmp_path: Path, capsys) -> None:
    bomb = _bomb(tmp_path / "bomb.png")
    line = _one_error_line(
        ["style", str(photo), "-o", str(tmp_path / "o.png"), "--style-image", str(bomb)], capsys
    )
    assert "bomb.png" in line
    line = _one_error_line(
        ["style", str(photo), "-o", str(tmp_path / "o.jpg"), "--preset", "1"], capsys
    )
    assert ".png" in line
