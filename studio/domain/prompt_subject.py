"""What object a prompt names, and in which art style, for looking it up in a memory of icons.

A retrieval-augmented model looks the prompt up in a bank of captioned icons. The bank's
captions are object names ("health potion", "dragon"), so the lookup should compare the prompt's
*object* with them: "a red health potion, pixel art" must find potions, not red things or
pixel-art things. The colour and style words stay in the prompt the model itself reads.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from studio.domain.colour_words import COLOUR_WORDS
from studio.domain.prompt_colours import strip_colour_names

_COLOUR_ALIASES = ("gray", "golden", "gold", "silver", "crimson", "scarlet", "cyan", "violet")
# Style words of the captions, longest first so "pixel art" goes before "art".
ART_STYLES = ("pixel art", "line icon", "silhouette", "flat", "3d", "noto")
_FILLER = (
    "a",
    "an",
    "the",
    "one",
    "some",
    "of",
    "and",
    "with",
    "icon",
    "sprite",
    "game",
    "asset",
    "style",
    "cute",
    "simple",
    "small",
    "little",
    "big",
    "large",
    "dark",
    "light",
    "bright",
    "pale",
)
_WORD = re.compile(r"[a-z0-9']+")


def prompt_art_style(prompt: str) -> str | None:
    """The first caption art style the prompt names (``"pixel art"``, ``"flat"`` ...), if any."""
    text = " " + " ".join(_WORD.findall(prompt.lower())) + " "
    for style in ART_STYLES:
        if f" {style} " in text:
            return style
    return None


def prompt_subject(prompt: str, things: Collection[str] = frozenset()) -> str:
    """The prompt without colour, style and filler words: ``"health potion"``.

    Colour names are taken out as the caption reads them (:mod:`.prompt_colours`): "a
    crimson elixir flask" looks up "elixir flask", "a viper in jade" "viper", while "a
    salmon" keeps its fish. A colour name that is one of ``things`` (what the bank draws, and
    the two-word parts of those names) stays, as it may name the thing: "ripe banana fruit",
    "pumpkin lantern", "chestnut". Returns the prompt's words unchanged when nothing else is
    left (``"red"`` stays ``"red"``), so a lookup always has something to compare.
    """
    for source in (strip_colour_names(prompt, things), prompt):
        text = " " + " ".join(_WORD.findall(source.lower())) + " "
        for style in ART_STYLES:
            text = text.replace(f" {style} ", " ")
        dropped = set(COLOUR_WORDS) | set(_COLOUR_ALIASES) | set(_FILLER)
        words = [word for word in text.split() if word not in dropped]
        if words:
            return " ".join(words)
    return " ".join(_WORD.findall(prompt.lower()))
