"""The palettes pixel artists reach for first, with where each table comes from.

Values are the published colour lists (lospec.com's palette pages, the PICO-8 manual). The NES
has no single canonical RGB table (the console produced composite video, not RGB); we use
lospec's "Nintendo Entertainment System" list of 55 colours, the one pixel-art tools share.
"""

from __future__ import annotations

import re

from studio.imaging.palettes.model import Palette

_PICO8 = """000000 1d2b53 7e2553 008751 ab5236 5f574f c2c3c7 fff1e8
ff004d ffa300 ffec27 00e436 29adff 83769c ff77a8 ffccaa"""
_DB16 = """140c1c 442434 30346d 4e4a4e 854c30 346524 d04648 757161
597dce d27d2c 8595a1 6daa2c d2aa99 6dc2ca dad45e deeed6"""
_DB32 = """000000 222034 45283c 663931 8f563b df7126 d9a066 eec39a
fbf236 99e550 6abe30 37946e 4b692f 524b24 323c39 3f3f74
306082 5b6ee1 639bff 5fcde4 cbdbfc ffffff 9badb7 847e87
696a6a 595652 76428a ac3232 d95763 d77bba 8f974a 8a6f30"""
# lospec's Endesga-32 (a second variant circulates with d87644, 743f39 ...; GAME_ASSETS.md).
_ENDESGA32 = """be4a2f d77643 ead4aa e4a672 b86f50 733e39 3e2731 a22633
e43b44 f77622 feae34 fee761 63c74d 3e8948 265c42 193c3e
124e89 0099db 2ce8f5 ffffff c0cbdc 8b9bb4 5a6988 3a4466
262b44 181425 ff0044 68386c b55088 f6757a e8b796 c28569"""
_GAME_BOY = "0f380f 306230 8bac0f 9bbc0f"
_NES = """000000 fcfcfc f8f8f8 bcbcbc 7c7c7c a4e4fc 3cbcfc 0078f8
0000fc b8b8f8 6888fc 0058f8 0000bc d8b8f8 9878f8 6844fc
4428bc f8b8f8 f878f8 d800cc 940084 f8a4c0 f85898 e40058
a80020 f0d0b0 f87858 f83800 a81000 fce0a8 fca044 e45c10
881400 f8d878 f8b800 ac7c00 503000 d8f878 b8f818 00b800
007800 b8f8b8 58d854 00a800 006800 b8f8d8 58f898 00a844
005800 00fcfc 00e8d8 008888 004058 f8d8f8 787878"""

BUILTIN_PALETTES: dict[str, Palette] = {
    palette.name: palette
    for palette in (
        Palette.from_hex("PICO-8", _PICO8),
        Palette.from_hex("DB16", _DB16),
        Palette.from_hex("DB32", _DB32),
        Palette.from_hex("Endesga-32", _ENDESGA32),
        Palette.from_hex("Game Boy", _GAME_BOY),
        Palette.from_hex("NES", _NES),
    )
}


def builtin_palette(name: str) -> Palette | None:
    """The built-in palette called ``name`` ("pico8", "game-boy", "DB32" ...), or None."""
    wanted = _key(name)
    for palette in BUILTIN_PALETTES.values():
        if _key(palette.name) == wanted:
            return palette
    return None


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]", "", name).casefold()
