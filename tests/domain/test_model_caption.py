"""The caption a retrieval-augmented built-in model reads: colours in its twelve words."""

from __future__ import annotations

import pytest

from studio.domain.colour_names import COLOUR_NAMES
from studio.domain.colour_words import COLOUR_WORDS
from studio.domain.model_caption import model_caption
from studio.domain.prompt_colours import prompt_colours, strip_colour_names


@pytest.mark.parametrize(
    ("prompt", "colours"),
    [
        ("a red health potion", ["red"]),
        ("game icon of a mahogany treasure box", ["red"]),  # the survey's mahogany is red
        ("elixir flask in jade", ["green"]),  # after "in"
        ("a shield, navy and gold", ["blue", "yellow"]),  # joined to a colour
        ("a light brown owl", ["brown"]),  # the name's own word, not the pixel rule's orange
        ("rusty sword", ["orange"]),
        ("a grey and orange cat", ["grey", "orange"]),
        ("a gray wolf", ["grey"]),
        ("a red, blue and green gem", ["red", "blue"]),  # captions name at most two
        ("a salmon", []),  # a colour name that ends the phrase is the object
        ("a lemon, pixel art", []),
        ("a sea turtle", []),  # names a thing first
        ("a dragon", []),
    ],
)
def test_prompt_colours_in_the_captions_words(prompt, colours) -> None:
    assert prompt_colours(prompt) == colours


def test_the_objects_own_name_is_not_a_colour() -> None:
    assert prompt_colours("a pink ice cream", "ice cream") == ["pink"]
    assert prompt_colours("a pink strawberry cake", "strawberry cake") == ["pink"]
    assert prompt_colours("a pink strawberry cake", "cake") == ["pink", "red"]


@pytest.mark.parametrize(
    ("prompt", "concept", "caption"),
    [
        ("a crimson elixir flask, flat icon", "magic potion", "red magic potion, flat"),
        ("game sprite: an emerald frog", "frog", "green frog"),
        ("a blue dragon, pixel art", "dragon", "blue dragon, pixel art"),
        ("an apple in lime", "red apple", "green apple"),  # the prompt's colour wins
        ("a shiny apple", "red apple", "red apple"),  # no colour asked: the name's own stays
    ],
)
def test_the_model_reads_colours_name_and_style(prompt, concept, caption) -> None:
    assert model_caption(prompt, concept) == caption


def test_a_prompt_without_colours_reads_the_icons_own() -> None:
    assert model_caption("a hammer", "hammer", "brown and grey") == "brown and grey hammer"
    assert model_caption("a red hammer", "hammer", "brown and grey") == "red hammer"
    assert model_caption("an iron shield", "shield", "") == "shield"  # a silhouette: none


def test_every_survey_name_is_one_of_the_twelve_words() -> None:
    assert len(COLOUR_NAMES) > 900
    assert set(COLOUR_NAMES.values()) <= set(COLOUR_WORDS)
    named = ("navy", "crimson", "olive", "sky blue")
    assert {name: COLOUR_NAMES[name] for name in named} == {
        "navy": "blue",
        "crimson": "red",
        "olive": "brown",
        "sky blue": "blue",
    }
    assert COLOUR_NAMES["steel"] == "grey"  # a tint too faint to name: its lightness only


@pytest.mark.parametrize(
    ("prompt", "subject"),
    [
        ("game icon of a chestnut hunting bow", "hunting bow"),
        ("a viper in olive", "viper"),  # "in" goes with its colour
        ("an apple in emerald", "apple"),  # a name before "in" is the thing
        ("a salmon", "salmon"),
        ("a halloween pumpkin lantern", "halloween pumpkin lantern"),  # a bank compound
        ("a ripe banana fruit", "ripe banana fruit"),  # a bank thing of its own
        ("a frog in banana", "frog"),  # ... unless it comes after "in"
        ("a red health potion, pixel art", "health potion"),
        ("a orange orange", "a orange orange"),  # nothing left: the whole prompt
    ],
)
def test_the_lookup_leaves_out_colour_names_as_the_caption_reads_them(prompt, subject) -> None:
    from studio.domain.prompt_subject import prompt_subject

    assert prompt_subject(prompt, frozenset({"pumpkin lantern", "banana"})) == subject


def test_stripping_keeps_phrases_apart() -> None:
    assert strip_colour_names("crimson flask, flat icon") == "flask, flat icon"
