"""Which colours a prompt asks for, in the twelve words of the built-in models' captions.

People write "crimson", "navy" or "a flask in jade"; the built-in models learnt twelve colour
words. :mod:`.colour_names` says which of the twelve each of the XKCD colour survey's names
is; this module finds the names in a prompt where they describe something, for the caption
the model reads (:mod:`.model_caption`) and for taking them out of the words the icon bank is
searched with (:mod:`.prompt_subject`).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from studio.domain.colour_names import COLOUR_NAMES
from studio.domain.colour_words import COLOUR_WORDS

MAX_COLOURS = 2  # captions name one or two colours
_LONGEST_NAME = 3  # words
# Forms people write that the survey spells otherwise.
_SPELLINGS = {"gray": "grey", "golden": "gold", "colour": "", "color": "", "coloured": ""}
# Between two colours: "red and gold".
_JOINERS = ("and", "or")
# A name before one of these is a noun ("an apple in emerald", "a lemon with leaves").
_PREPOSITIONS = frozenset({"in", "with", "of", "on", "at", "for", "from", "to", "by", "under"})
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
    found: list[str] = []
    for words in _phrases(prompt):
        for _start, _end, word in _colour_spans(words, thing):
            if word not in found:
                found.append(word)
    return found[:MAX_COLOURS]


def strip_colour_names(text: str, things: Collection[str] = frozenset()) -> str:
    """``text`` without the colour names :func:`prompt_colours` reads, nor the "in" before one.

    ``"game icon of a chestnut hunting bow"`` -> ``"game icon of a hunting bow"``: what is left
    names the object, for looking it up. A name that is itself one of ``things`` (the names of
    what the bank draws, and their two-word parts: "banana", "pumpkin lantern"), or makes one
    with its neighbour, may name the thing ("ripe banana fruit"), so it stays unless it comes
    after "in". Phrases are joined with commas again.
    """
    kept_phrases = []
    for words in _phrases(text):
        drop: set[int] = set()
        for start, end, _word in _colour_spans(words, things=things):
            drop.update(range(start, end))
            if start > 0 and words[start - 1] == "in":
                drop.add(start - 1)
        kept = [word for index, word in enumerate(words) if index not in drop]
        if kept:
            kept_phrases.append(" ".join(kept))
    return ", ".join(kept_phrases)


def _phrases(text: str) -> list[list[str]]:
    """The text's phrases (split at punctuation) as lists of lower-case words."""
    phrases = []
    for phrase in _PHRASE.findall(text.lower()):
        words = [_SPELLINGS.get(word, word) for word in _WORD.findall(phrase)]
        phrases.append([word for word in words if word])
    return phrases


def _colour_spans(
    words: list[str], thing: str = "", things: Collection[str] = frozenset()
) -> list[tuple[int, int, str]]:
    """``(start, end, caption word)`` of each colour name that describes, in one phrase."""
    own = set(thing.lower().split())
    spans: list[tuple[int, int, str]] = []
    position, last_colour_end = 0, -1
    while position < len(words):
        name, length = _name_at(words, position)
        end = position + length
        if name is None or (name not in COLOUR_WORDS and name in own):
            position += 1
            continue
        after_in = position > 0 and words[position - 1] == "in"
        if (
            name not in COLOUR_WORDS
            and not after_in
            and _names_a_thing(words, position, end, things)
        ):
            position = end
            continue
        joined = position > 1 and words[position - 1] in _JOINERS
        before_a_word = end < len(words) and words[end] not in _PREPOSITIONS
        describes = (
            name in COLOUR_WORDS
            or after_in
            or (joined and last_colour_end == position - 1)
            or (before_a_word and name not in _THINGS_FIRST)
        )
        if describes and name not in _NEVER:
            last_colour_end = end
            spans.append((position, end, COLOUR_NAMES.get(name, name)))
        position = end
    return spans


def _names_a_thing(words: list[str], start: int, end: int, things: Collection[str]) -> bool:
    """Whether the words at ``start:end`` are a thing's name, alone or with a neighbour."""
    name = " ".join(words[start:end])
    before = start > 0 and f"{words[start - 1]} {name}" in things
    after = end < len(words) and f"{name} {words[end]}" in things
    return name in things or before or after


def _name_at(words: list[str], position: int) -> tuple[str | None, int]:
    """The longest colour name starting at ``position``, and how many words it has."""
    for length in range(min(_LONGEST_NAME, len(words) - position), 0, -1):
        name = " ".join(words[position : position + length])
        if name in COLOUR_NAMES or name in COLOUR_WORDS:
            return name, length
        if length == 1 and name.endswith("y") and name[:-1] in COLOUR_NAMES:
            return name[:-1], 1  # "rusty", "creamy"
    return None, 0
