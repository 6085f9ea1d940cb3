"""Palette files: GIMP .gpl, JASC .pal, lospec .hex and Paint.NET .txt, read and written.

Formats as the tools write them (GAME_ASSETS.md): GIMP's ``GIMP Palette`` header with optional
``Name:``/``Columns:`` and ``#`` comments, then ``r g b name`` lines; JASC's ``JASC-PAL``,
``0100``, a count and ``R G B`` lines with CRLF endings; lospec's one ``RRGGBB`` a line;
Paint.NET's ``;`` comments and ``AARRGGBB`` lines. ``.ase`` is refused: it names both Adobe
swatches and Aseprite sprites.
"""

from __future__ import annotations

import re
from pathlib import Path

from studio.domain.errors import InvalidRequestError
from studio.domain.files import read_user_bytes
from studio.imaging.display_names import display_name
from studio.imaging.palettes.model import MAX_COLOURS, Palette, unique_colours

PALETTE_SUFFIXES = (".gpl", ".pal", ".hex", ".txt")
MAX_PALETTE_FILE_BYTES = 256_000
_HEX6 = re.compile(r"^#?([0-9A-Fa-f]{6})$")
_HEX8 = re.compile(r"^#?([0-9A-Fa-f]{8})$")


def read_palette(path: Path) -> Palette:
    """Read a palette file; the format comes from the suffix.

    Raises
    ------
    InvalidRequestError
        One line naming the file: missing, too large, unknown suffix, or a bad line (with its
        number).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in PALETTE_SUFFIXES:
        raise InvalidRequestError(
            f"{path.name}: palettes are read from {', '.join(PALETTE_SUFFIXES)} files."
        )
    # Special files refused before opening, size checked before reading, the read bounded.
    data = read_user_bytes(
        path, max_bytes=MAX_PALETTE_FILE_BYTES, what="palette file", error=InvalidRequestError
    )
    # Colours are ASCII in every format; only a name can be in another encoding (Paint.NET
    # and old GIMP files), and a name with a replacement character beats a refused palette.
    text = data.decode("utf-8-sig", errors="replace")
    parse = {".gpl": parse_gpl, ".pal": parse_jasc, ".hex": parse_hex, ".txt": parse_paintnet}
    try:
        name, colours = parse[suffix](text)
    except ValueError as exc:
        raise InvalidRequestError(f"{path.name}: {exc}") from None
    if not colours:
        raise InvalidRequestError(f"{path.name} holds no colours.")
    unique = unique_colours(colours)
    if len(unique) > MAX_COLOURS:
        raise InvalidRequestError(f"{path.name} has {len(unique)} colours; at most 256 work.")
    return Palette(display_name(name, fallback=path.stem), unique)


def write_palette(palette: Palette, suffix: str) -> bytes:
    """The palette as the bytes of a ``.gpl``, ``.pal``, ``.hex`` or ``.txt`` file."""
    suffix = suffix.lower()
    colours = palette.colours
    if suffix == ".gpl":
        lines = ["GIMP Palette", f"Name: {_one_line(palette.name)}", "Columns: 8", "#"]
        lines += [f"{r:3d} {g:3d} {b:3d}\t{r:02x}{g:02x}{b:02x}" for r, g, b in colours]
        return ("\n".join(lines) + "\n").encode("utf-8")
    if suffix == ".pal":
        lines = ["JASC-PAL", "0100", str(len(colours))] + [f"{r} {g} {b}" for r, g, b in colours]
        return ("\r\n".join(lines) + "\r\n").encode("ascii")
    if suffix == ".hex":
        return ("\n".join(palette.hex_colours()) + "\n").encode("ascii")
    if suffix == ".txt":
        lines = [";paint.net Palette File", f";Palette Name: {_one_line(palette.name)}"]
        lines += [f";Colors: {len(colours)}"] + [f"FF{h.upper()}" for h in palette.hex_colours()]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"palettes are written as {', '.join(PALETTE_SUFFIXES)}, not {suffix!r}")


def parse_gpl(text: str) -> tuple[str, list[tuple[int, int, int]]]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "GIMP Palette":
        raise ValueError("the first line must be 'GIMP Palette'")
    name, colours = "", []
    for number, line in enumerate(lines[1:], start=2):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("Name:"):
            name = stripped[5:].strip()
            continue
        if stripped.startswith("Columns:"):
            continue
        colours.append(_rgb_words(stripped.split()[:3], number))
    return name, colours


def parse_jasc(text: str) -> tuple[str, list[tuple[int, int, int]]]:
    lines = [line.strip() for line in text.splitlines()]
    if len(lines) < 3 or lines[0] != "JASC-PAL":
        raise ValueError("a JASC palette starts with 'JASC-PAL', '0100' and a colour count")
    if not lines[2].isdigit():
        raise ValueError(f"line 3 must be the colour count, not {lines[2]!r}")
    count = int(lines[2])
    body = [(n, line) for n, line in enumerate(lines[3:], start=4) if line]
    if len(body) < count:
        raise ValueError(f"the header promises {count} colours, the file has {len(body)}")
    return "", [_rgb_words(line.split()[:3], n) for n, line in body[:count]]


def parse_hex(text: str) -> tuple[str, list[tuple[int, int, int]]]:
    colours = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        match = _HEX6.match(stripped)
        if match is None:
            raise ValueError(f"line {number} is not an RRGGBB colour: {stripped[:20]!r}")
        colours.append(_split_hex(match.group(1)))
    return "", colours


def parse_paintnet(text: str) -> tuple[str, list[tuple[int, int, int]]]:
    name, colours = "", []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(";"):
            if stripped.lower().startswith(";palette name:"):
                name = stripped.split(":", 1)[1].strip()
            continue
        match = _HEX8.match(stripped)
        if match is None:
            raise ValueError(f"line {number} is not an AARRGGBB colour: {stripped[:20]!r}")
        colours.append(_split_hex(match.group(1)[2:]))
    return name, colours


def _rgb_words(words: list[str], number: int) -> tuple[int, int, int]:
    try:
        values = tuple(int(word) for word in words)
    except ValueError:
        values = ()
    if len(values) != 3 or not all(0 <= v <= 255 for v in values):
        raise ValueError(f"line {number} must start with three numbers 0-255")
    return values


def _split_hex(digits: str) -> tuple[int, int, int]:
    value = int(digits, 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "palette"
