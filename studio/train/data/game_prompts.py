"""The held-out game prompts: objects x colours x styles that a game artist types.

They are never trained on: the dataset's colour augmentation skips every (colour, object)
pair listed here and drops any caption that reads like one of these prompts, and
``studio eval`` measures colour accuracy, seed diversity and alpha on exactly these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studio.train.data.colours import COLOUR_WORDS

GAME_OBJECTS = (
    "dragon",
    "potion bottle",
    "sword",
    "slime monster",
    "treasure chest",
    "shield",
    "key",
    "mushroom",
    "crown",
    "gem",
    "ghost",
    "heart",
)
GAME_STYLES = ("pixel art", "flat", "silhouette")


@dataclass(frozen=True)
class GamePrompt:
    """One held-out prompt and the colour word it asks for."""

    text: str
    colour: str
    object: str
    style: str


def game_prompts() -> list[GamePrompt]:
    """Every object in every colour, the style cycling so each (colour, style) pair occurs.

    Returns 144 prompts (12 objects x 12 colours), in a fixed order.
    """
    prompts = []
    for i, obj in enumerate(GAME_OBJECTS):
        for j, colour in enumerate(COLOUR_WORDS):
            style = GAME_STYLES[(i + j) % len(GAME_STYLES)]
            prompts.append(GamePrompt(f"a {colour} {obj}, {style}", colour, obj, style))
    return prompts


def normalise_caption(text: str) -> str:
    """Lower case, articles and punctuation dropped: how two captions are compared."""
    words = re.sub(r"[^a-z0-9 ]+", " ", text.lower()).split()
    return " ".join(word for word in words if word not in ("a", "an", "the"))


_HELDOUT = frozenset(normalise_caption(p.text) for p in game_prompts())
_HELDOUT_PAIRS = frozenset((p.colour, p.object) for p in game_prompts())


def is_heldout_caption(caption: str) -> bool:
    """Whether ``caption`` reads the same as one of the held-out game prompts."""
    return normalise_caption(caption) in _HELDOUT


def is_heldout_pair(colour: str, name: str) -> bool:
    """Whether colouring an object called ``name`` in ``colour`` would teach a held-out pair."""
    return (colour, normalise_caption(name)) in _HELDOUT_PAIRS
