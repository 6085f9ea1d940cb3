"""Rules that hold for every command at once (issue 18; RELIABILITY 21, 24, 25).

Each surface has its own hostile tests; these walk the whole command line with the same input,
so a command added later without the rule fails here: ``-o`` never replaces a file without
``--overwrite`` and leaves it byte for byte as it was, and control characters in a file name
never reach the terminal raw.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from studio.cli import main
from studio.imaging.png import encode_png

pytestmark = pytest.mark.timeout(120)

# The raw bytes a hostile name would send: ESC, BEL, 8-bit CSI, DEL.
RAW_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _sprite(path: Path) -> Path:
    pixels = np.zeros((16, 16, 4), dtype=np.uint8)
    pixels[..., 1] = 200  # a flat green key
    pixels[..., 3] = 255
    pixels[4:12, 4:12] = (200, 40, 40, 255)
    path.write_bytes(encode_png(pixels, {"parameters": "a red square"}))
    return path


def _file_commands(source: Path, out: Path) -> dict[str, list[str]]:
    """Every command that writes one image to ``-o``."""
    return {
        "generate": ["generate", "a red potion", "--model", "builtin-vae", "-o", str(out)],
        "style": ["style", str(source), "--preset", "1", "-o", str(out)],
        "pixelate": ["pixelate", str(source), "--palette", "pico8", "-o", str(out)],
        "matte": ["matte", str(source), "-o", str(out)],
        "tile": ["tile", str(source), "-o", str(out)],
        "upscale": ["upscale", str(source), "--model", "nearest", "-o", str(out)],
    }


FILE_COMMANDS = ["generate", "style", "pixelate", "matte", "tile", "upscale"]


@pytest.mark.parametrize("command", FILE_COMMANDS)
def test_no_command_replaces_an_existing_output_without_overwrite(tmp_path, capsys, command):
    source = _sprite(tmp_path / "sprite.png")
    out = tmp_path / "mine.png"
    out.write_bytes(b"the user's own file")

    code = main(_file_commands(source, out)[command])

    assert code == 1
    assert out.read_bytes() == b"the user's own file"
    assert "--overwrite" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.png", "sprite.png"]


@pytest.mark.parametrize("command", FILE_COMMANDS)
def test_a_missing_output_folder_is_one_line_before_any_work(tmp_path, capsys, command):
    source = _sprite(tmp_path / "sprite.png")
    out = tmp_path / "no-such-folder" / "out.png"

    code = main(_file_commands(source, out)[command])

    err = capsys.readouterr().err
    assert code == 1, err
    assert len(err.strip().splitlines()) == 1, err
    assert "no-such-folder" in err
    assert not out.parent.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["info", "{evil}"],
        ["pixelate", "{evil}", "-o", "{out}"],
        ["matte", "{evil}", "-o", "{out}"],
        ["tile", "{evil}", "-o", "{out}"],
        ["upscale", "{evil}", "--model", "nearest", "-o", "{out}"],
        ["style", "{evil}", "--preset", "1", "-o", "{out}"],
        ["sheet", "{evil}", "-o", "{folder}"],
        ["tileset", "{evil}", "-o", "{folder}"],
        ["batch", "{evil}", "-o", "{folder}", "--dry-run"],
        ["models", "--add", "{evil}"],
    ],
    ids=lambda argv: argv[0],
)
def test_control_characters_in_a_file_name_never_reach_the_terminal(tmp_path, capsys, argv):
    evil = tmp_path / "sprite\x1b]0;owned\x07\x9b2J\x7f.png"
    evil.write_bytes(b"not a png at all")
    values = {"evil": str(evil), "out": str(tmp_path / "out.png"), "folder": str(tmp_path / "o")}

    code = main([part.format(**values) for part in argv])

    captured = capsys.readouterr()
    assert code != 70, captured.err
    assert not RAW_CONTROLS.search(captured.out + captured.err), captured.err


@pytest.mark.parametrize("size", ["9" * 5000 + "x64", "\u00b2x64", "64x" + "1" * 40])
@pytest.mark.parametrize("command", ["generate", "batch"])
def test_a_size_no_int_can_hold_is_one_line(tmp_path, capsys, command, size):
    # "²" passes str.isdigit() but not int(); 5000 digits pass the pattern but not Python's
    # int-digit limit: both were bug exits (70) in every command that takes --size.
    argv = {
        "generate": ["generate", "a potion", "--size", size, "-o", str(tmp_path / "g.png")],
        "batch": ["batch", "{a|b}", "--size", size, "--dry-run"],
    }[command]
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 1, err
    assert "is not WIDTHxHEIGHT" in err and len(err.strip().splitlines()) == 1
    assert len(err) < 300  # the message shortens what it quotes
