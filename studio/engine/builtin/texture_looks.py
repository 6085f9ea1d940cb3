"""What a texture prompt asks for: a material's structure and colours, recoloured by its words.

Each material of :data:`studio.domain.texture_prompt.MATERIALS` has a :class:`Look`: the
structure family that lays it out (:data:`STRUCTURES`) and a ramp of colours from shadow to
highlight, plus an accent (mortar, crack glow, grout). A colour word in the prompt ("red brick",
"blue stone floor") replaces the ramp with one built from that colour, keeping the material's
light-to-dark contrast; a second colour word recolours the accent. "dark"/"light" shift the
whole ramp. Style words pick how the ramp is applied (:data:`STYLES`).
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass

import numpy as np

from studio.domain.texture_prompt import material_named, prompt_words

# cells: stones and cobbles; streaks: grass, wood grain, brushed metal; rows: brick courses;
# smooth: water, sand, snow; glow: a dark crust broken by bright cracks (lava).
STRUCTURES = ("cells", "streaks", "rows", "planks", "smooth", "glow")
# "plain": a continuous ramp; "pixel art": a few hard steps; "flat": fewer, broader steps.
STYLES = ("plain", "pixel art", "flat")

Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Look:
    """How one material is laid out and coloured.

    Parameters
    ----------
    structure
        One of :data:`STRUCTURES`.
    ramp
        Colours from the darkest to the lightest part of the material.
    accent
        The second colour: mortar, grout, the glow of cracks, foam.
    """

    structure: str
    ramp: tuple[Colour, ...]
    accent: Colour


def _hex(code: str) -> Colour:
    value = int(code.lstrip("#"), 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


def _ramp(*codes: str) -> tuple[Colour, ...]:
    return tuple(_hex(code) for code in codes)


LOOKS: dict[str, Look] = {
    "grass": Look("streaks", _ramp("#1f4d1a", "#2f7a24", "#4f9e34", "#86c451"), _hex("#3b2a17")),
    "stone": Look("cells", _ramp("#4a4a4f", "#6e6e73", "#8c8c90", "#ababad"), _hex("#2b2b2e")),
    "cobblestone": Look(
        "cells", _ramp("#4f4b47", "#6f6a63", "#8d877e", "#aaa398"), _hex("#2a2622")
    ),
    "dirt": Look("smooth", _ramp("#3f2a19", "#5c3d22", "#7a5330", "#956a40"), _hex("#2c1d10")),
    "sand": Look("smooth", _ramp("#b89a5e", "#cdb273", "#dcc58a", "#ecdaa6"), _hex("#a3844c")),
    "water": Look("smooth", _ramp("#123f7a", "#1b5fa6", "#2f80c8", "#7fc0ec"), _hex("#d8f0ff")),
    "lava": Look("glow", _ramp("#1c0d0a", "#33160f", "#4a2115", "#5e2c1b"), _hex("#ff8a1f")),
    "wood": Look("planks", _ramp("#5a3519", "#774822", "#93602f", "#ad7a42"), _hex("#2e1a0b")),
    "brick": Look("rows", _ramp("#7a2a1c", "#9a3a26", "#b04a30", "#c2603f"), _hex("#b8ada0")),
    "snow": Look("smooth", _ramp("#c9d6e6", "#dde6f0", "#eef3f8", "#ffffff"), _hex("#b0c4dc")),
    "ice": Look("cells", _ramp("#7fb4d8", "#9cc9e6", "#bfe0f2", "#e4f4fc"), _hex("#f4fbff")),
    "metal": Look("streaks", _ramp("#53585e", "#6d737a", "#8a9097", "#b3b9bf"), _hex("#3a3e43")),
    "moss": Look("smooth", _ramp("#26401a", "#385c22", "#4e7a2c", "#6d963d"), _hex("#1b2c12")),
}

# One representative colour per colour word (the words of the built-in models' captions).
COLOUR_WORDS: dict[str, Colour] = {
    "red": _hex("#c8302a"),
    "orange": _hex("#e27a1c"),
    "yellow": _hex("#e8c52a"),
    "green": _hex("#3f9a35"),
    "teal": _hex("#1e9f98"),
    "blue": _hex("#2f62c8"),
    "purple": _hex("#7a3fb8"),
    "pink": _hex("#e27aae"),
    "brown": _hex("#7f5230"),
    "black": _hex("#26262a"),
    "white": _hex("#eeeeee"),
    "grey": _hex("#86868a"),
    "gray": _hex("#86868a"),
}
_SHADE_WORDS = {"dark": 0.7, "light": 1.25, "pale": 1.25, "bright": 1.2}


@dataclass(frozen=True)
class TextureSpec:
    """A texture prompt read: which material, in which colours, in which style."""

    material: str
    look: Look
    style: str
    colours: tuple[str, ...] = ()


def read_texture_prompt(prompt: str) -> TextureSpec:
    """The material, colours and style a texture prompt names.

    A prompt without a material word ("a red tiled pattern") is stone: cells read as a tiled
    surface in any colour.
    """
    words = prompt_words(prompt)
    material = material_named(prompt) or "stone"
    look = LOOKS[material]
    colours = tuple(w for w in words if w in COLOUR_WORDS)
    if colours:
        look = Look(look.structure, _recoloured(look.ramp, COLOUR_WORDS[colours[0]]), look.accent)
    if len(colours) > 1:
        look = Look(look.structure, look.ramp, COLOUR_WORDS[colours[1]])
    for word, factor in _SHADE_WORDS.items():
        if word in words:
            look = Look(look.structure, _shaded(look.ramp, factor), look.accent)
    joined = " ".join(words)
    style = "pixel art" if "pixel art" in joined or "pixel" in words else "plain"
    if style == "plain" and ("flat" in words or "cartoon" in words):
        style = "flat"
    return TextureSpec(material, look, style, colours)


def _recoloured(ramp: tuple[Colour, ...], colour: Colour) -> tuple[Colour, ...]:
    """A ramp of ``colour`` with the lightness steps of ``ramp`` around it."""
    lightness = [colorsys.rgb_to_hls(*(c / 255 for c in step))[1] for step in ramp]
    mid = sum(lightness) / len(lightness)
    hue, base, saturation = colorsys.rgb_to_hls(*(c / 255 for c in colour))
    steps = []
    for value in lightness:
        # keep the material's contrast, centred on the colour word's own lightness
        shifted = float(np.clip(base + (value - mid), 0.04, 0.97))
        r, g, b = colorsys.hls_to_rgb(hue, shifted, saturation)
        steps.append((round(r * 255), round(g * 255), round(b * 255)))
    return tuple(steps)


def _shaded(ramp: tuple[Colour, ...], factor: float) -> tuple[Colour, ...]:
    def shade(c: int) -> int:
        return min(255, round(c * factor))

    return tuple((shade(r), shade(g), shade(b)) for r, g, b in ramp)
