"""Built-in palettes, palettes from images, and the four palette file formats."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.domain.errors import InvalidRequestError
from studio.imaging.palettes import (
    BUILTIN_PALETTES,
    PALETTE_SUFFIXES,
    Palette,
    builtin_palette,
    off_palette_mask,
    palette_from_image,
    read_palette,
    resolve_palette,
    write_palette,
)


def test_builtin_palettes_have_their_published_sizes() -> None:
    sizes = {name: len(p.colours) for name, p in BUILTIN_PALETTES.items()}
    assert sizes == {
        "PICO-8": 16, "DB16": 16, "DB32": 32, "Endesga-32": 32, "Game Boy": 4, "NES": 55,
    }  # fmt: skip
    assert BUILTIN_PALETTES["PICO-8"].hex_colours()[8] == "ff004d"
    assert BUILTIN_PALETTES["Game Boy"].hex_colours() == ["0f380f", "306230", "8bac0f", "9bbc0f"]
    # lospec's Endesga-32, not the variant with d87644.
    assert "d77643" in BUILTIN_PALETTES["Endesga-32"].hex_colours()


@pytest.mark.parametrize("spelling", ["pico8", "PICO-8", "pico_8", "Pico 8"])
def test_builtin_names_are_found_in_any_spelling(spelling: str) -> None:
    assert builtin_palette(spelling) is BUILTIN_PALETTES["PICO-8"]


@pytest.mark.parametrize("suffix", PALETTE_SUFFIXES)
@pytest.mark.parametrize("name", list(BUILTIN_PALETTES))
def test_palette_files_round_trip(tmp_path: Path, name: str, suffix: str) -> None:
    palette = BUILTIN_PALETTES[name]
    path = tmp_path / f"p{suffix}"
    path.write_bytes(write_palette(palette, suffix))
    again = read_palette(path)
    assert again.colours == palette.colours
    if suffix in (".gpl", ".txt"):
        assert again.name == palette.name


def test_jasc_files_use_crlf_and_a_count(tmp_path: Path) -> None:
    data = write_palette(BUILTIN_PALETTES["Game Boy"], ".pal")
    assert data.startswith(b"JASC-PAL\r\n0100\r\n4\r\n15 56 15\r\n")


def test_gimp_palette_as_gimp_writes_it(tmp_path: Path) -> None:
    path = tmp_path / "mine.gpl"
    path.write_text(
        "GIMP Palette\nName: Mine\nColumns: 4\n# a comment\n255   0   0\tRed\n  0 255   0 Green\n"
    )
    palette = read_palette(path)
    assert palette.name == "Mine"
    assert palette.colours == ((255, 0, 0), (0, 255, 0))


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("bad.gpl", "not a palette\n1 2 3\n", "GIMP Palette"),
        ("bad.gpl", "GIMP Palette\n1 2 300\n", "line 2"),
        ("bad.pal", "JASC-PAL\r\n0100\r\n3\r\n1 2 3\r\n", "promises 3"),
        ("bad.hex", "ff0000\nnothex\n", "line 2"),
        ("bad.txt", ";paint.net\nFF00\n", "line 2"),
        ("empty.hex", "\n\n", "no colours"),
        ("swatch.ase", "x", "palettes are read from"),
    ],
)
def test_bad_palette_files_give_one_line_naming_the_file(
    tmp_path: Path, name: str, text: str, words: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InvalidRequestError) as caught:
        read_palette(path)
    message = str(caught.value)
    assert name in message and words in message and "\n" not in message


def test_resolve_palette_takes_names_and_files(tmp_path: Path) -> None:
    path = tmp_path / "gb.hex"
    path.write_bytes(write_palette(BUILTIN_PALETTES["Game Boy"], ".hex"))
    assert resolve_palette(str(path)).colours == BUILTIN_PALETTES["Game Boy"].colours
    assert resolve_palette("db32") is BUILTIN_PALETTES["DB32"]
    with pytest.raises(InvalidRequestError, match="PICO-8, DB16"):
        resolve_palette("nope")


def test_palette_from_image_finds_the_image_colours() -> None:
    rng = np.random.default_rng(1)
    centres = np.array([[250, 10, 10], [10, 250, 10], [10, 10, 250], [240, 240, 240]])
    labels = rng.integers(0, 4, size=(40, 40))
    pixels = np.clip(centres[labels] + rng.integers(-6, 7, size=(40, 40, 3)), 0, 255)
    palette = palette_from_image(pixels.astype(np.uint8), 4)
    found = np.array(palette.colours)
    assert len(found) == 4
    for centre in centres:
        assert np.abs(found - centre).max(axis=1).min() <= 8


def test_palette_from_image_ignores_transparent_pixels() -> None:
    pixels = np.zeros((8, 8, 4), dtype=np.uint8)
    pixels[:4] = (200, 100, 50, 255)
    pixels[4:] = (0, 255, 0, 0)
    assert palette_from_image(pixels, 8).colours == ((200, 100, 50),)


def test_off_palette_mask_counts_only_visible_pixels() -> None:
    palette = Palette("two", ((0, 0, 0), (255, 255, 255)))
    pixels = np.zeros((2, 2, 4), dtype=np.uint8)
    pixels[..., 3] = 255
    pixels[0, 1] = (10, 10, 10, 255)
    pixels[1, 1] = (10, 10, 10, 0)
    assert off_palette_mask(pixels, palette).tolist() == [[False, True], [False, False]]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\x1b]0;owned\x07 evil\x9b2J", "]0;owned evil 2J"),
        ("bidi\u202eevil", "bidi evil"),
        ("lone\udcff", "lone"),
        ("\x00\x01", "palette"),
        ("  My   Game  ", "My Game"),
    ],
)
def test_palette_names_are_clean_for_every_reader(raw: str, clean: str) -> None:
    from studio.imaging.palettes.model import Palette

    assert Palette(raw, ((0, 0, 0),)).name == clean
