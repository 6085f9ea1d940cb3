"""The caption a retrieval-augmented built-in model reads in place of the prompt.

The built-in models learnt from captions of one form: ``"orange and blue 1st place medal,
flat"``: the colours in twelve words, the icon's name, its art style. A prompt in other words
("game icon of a mahogany treasure box", "elixir flask in jade") is outside everything they
saw, and they answer it with speckled, muddy sprites. A model with an icon bank already knows
which icon it draws on, so it reads a caption of the trained form instead: the prompt's
colours in the twelve words (:mod:`.colour_names` says which word "mahogany" is), the name of
the icon it drew on, and the prompt's style word. The recipe keeps the prompt and records the
caption beside it.
"""

from __future__ import annotations

import re

from studio.domain.colour_names import COLOUR_NAMES
from studio.domain.prompt_subject import COLOUR_WORDS, prompt_art_style

MAX_COLOURS = 2  # captions name one or two colours
_LONGEST_NAME = 3  # words
# Forms people write that the survey spells otherwise.
_SPELLINGS = {"gray": "grey", "golden": "gold", "colour": "", "color": "", "coloured": ""}
# Between two colours: "red and gold".
_JOINERS = ("and", "or")
# Survey names that before another word name a thing far more often than a colour ("ice
# cream", "sea turtle", "tea kettle", "royal crown"): colours only after "in" ("a cloak in
# midnight"). The rest of the survey's jokes are never taken for colours.
_THINGS_FIRST = frozenset(
    {
        "ice", "sea", "sky", "ocean", "tea", "coffee", "wine", "royal", "dark", "pale",
        "earth", "forest", "desert", "swamp", "marine", "midnight", "twilight", "dusk",
        "water", "leaf", "grass", "moss", "mud", "dirt", "dust", "stone", "sand", "cement",
    }
)  # fmt: skip
_NEVER = frozenset(
    {"barney", "shit", "poo", "poop", "vomit", "puke", "booger", "snot", "diarrhea", "bile"}
)
_PHRASE = re.compile(r"[^,;:.()]+")
_WORD = re.compile(r"[a-z0-9']+")


def prompt_colours(prompt: str, thing: str = "") -> list[str]:
    """The caption colour words a prompt asks for, in order, each once, at most two.

    A colour name counts where it describes something: before another word ("crimson
    flask"), after "in" ("flask in jade") or after another colour and "and" ("red and gold").
    Where it ends a phrase on its own it names the object ("a salmon", "a lemon"). Words of
    ``thing`` (the object's own name, "ice cream") are never colours; the twelve caption
    words always are.
    """
    own = set(thing.lower().split())
    found: list[str] = []
    for phrase in _PHRASE.findall(prompt.lower()):
        words = [_SPELLINGS.get(word, word) for word in _WORD.findall(phrase)]
        words = [word for word in words if word]
        position, last_colour_end = 0, -1
        while position < len(words):
            name, length = _name_at(words, position)
            if name is None or (name in own and name not in COLOUR_WORDS):
                position += 1
                continue
            end = position + length
            after_in = position > 0 and words[position - 1] == "in"
            joined = position > 1 and words[position - 1] in _JOINERS
            describes = (
                name in COLOUR_WORDS
                or after_in
                or (joined and last_colour_end == position - 1)
                or (end < len(words) and name not in _THINGS_FIRST)
            )
            word = COLOUR_NAMES.get(name, name)
            if describes and name not in _NEVER:
                last_colour_end = end
                if word not in found:
                    found.append(word)
            position = end
    return found[:MAX_COLOURS]


def model_caption(prompt: str, concept: str, icon_colours: str = "") -> str:
    """``"red and yellow treasure chest, pixel art"``: what the model reads for ``prompt``.

    ``concept`` is the name of the bank icon drawn on. Colour words of its own name give way to
    the prompt's ("red apple" asked in green is a "green apple"). A prompt that names no colour
    gets the icon's own, ``icon_colours`` ("brown and grey"): every caption the model learnt
    from named its colours, and without any it mixes them into mud.
    """
    colours = prompt_colours(prompt, concept) or [c for c in icon_colours.split(" and ") if c]
    name = concept
    if colours:
        kept = [word for word in concept.split() if word not in COLOUR_WORDS]
        name = " ".join(kept) or concept
    caption = f"{' and '.join(colours)} {name}".strip()
    style = prompt_art_style(prompt)
    return f"{caption}, {style}" if style else caption


def _name_at(words: list[str], position: int) -> tuple[str | None, int]:
    """The longest colour name starting at ``position``, and how many words it has."""
    for length in range(min(_LONGEST_NAME, len(words) - position), 0, -1):
        name = " ".join(words[position : position + length])
        if name in COLOUR_NAMES or name in COLOUR_WORDS:
            return name, length
        if length == 1 and name.endswith("y") and name[:-1] in COLOUR_NAMES:
            return name[:-1], 1  # "rusty", "creamy"
    return None, 0
