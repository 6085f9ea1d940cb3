"""The object a prompt names, for looking it up in a retrieval model's icon bank."""

from __future__ import annotations

import pytest

from studio.domain.prompt_subject import prompt_art_style, prompt_subject


@pytest.mark.parametrize(
    ("prompt", "subject"),
    [
        ("a red health potion, pixel art", "health potion"),
        ("A Green Slime Monster", "slime monster"),
        ("a steel sword", "sword"),  # steel is a colour name (grey) in the survey
        ("an iron sword", "iron sword"),  # iron is not
        ("the golden key, flat icon", "key"),
        ("blue dragon, silhouette", "dragon"),
        ("red", "red"),  # nothing but a colour: the lookup still gets the words
        ("", ""),
    ],
)
def test_colour_style_and_filler_words_are_left_out(prompt: str, subject: str) -> None:
    assert prompt_subject(prompt) == subject


@pytest.mark.parametrize(
    ("prompt", "style"),
    [
        ("a red potion, pixel art", "pixel art"),
        ("a sword, silhouette", "silhouette"),
        ("a flat apple icon", "flat"),
        ("a shiny 3D coin", "3d"),
        ("a wooden chest", None),
        ("a flatfish", None),  # a word that merely starts with a style word
    ],
)
def test_the_art_style_word_is_found_as_a_whole_word(prompt: str, style: str | None) -> None:
    assert prompt_art_style(prompt) == style
