"""The one rule that decides when a built-in model makes a texture instead of a sprite."""

from __future__ import annotations

import pytest

from studio.domain.requests import GenerationRequest
from studio.domain.texture_prompt import (
    is_texture_request,
    material_named,
    prompt_words,
    says_texture,
)


@pytest.mark.parametrize(
    "prompt",
    [
        "grass ground texture",
        "stone floor",
        "a brick wall",
        "seamless water",
        "Tileable SAND",
        "mossy stone tiles",
        "wooden floors, pixel art",
        "a red and white pattern",
        "rocky terrain",
    ],
)
def test_texture_words_make_a_texture_prompt(prompt: str) -> None:
    assert says_texture(prompt)
    assert is_texture_request(GenerationRequest(prompt=prompt))


@pytest.mark.parametrize(
    "prompt", ["a red health potion", "a green slime monster", "a stone golem", "grass", ""]
)
def test_sprite_prompts_stay_sprites(prompt: str) -> None:
    assert not is_texture_request(GenerationRequest(prompt=prompt))


def test_the_tile_switches_make_a_material_a_texture_but_not_a_sprite() -> None:
    assert is_texture_request(GenerationRequest(prompt="green grass", tile_x=True))
    assert is_texture_request(GenerationRequest(prompt="lava", tile_y=True))
    # a sprite prompt with the switches keeps its older meaning: the model's drawing wraps
    assert not is_texture_request(GenerationRequest(prompt="a red heart icon", tile_x=True))


def test_an_edit_of_the_users_image_is_never_a_texture() -> None:
    png = b"\x89PNG fake bytes are enough: the rule reads no pixels"
    assert not is_texture_request(GenerationRequest(prompt="stone floor", init_image=png))


def test_plurals_fold_but_grass_and_moss_stay_whole() -> None:
    assert prompt_words("Bricks, Tiles and Planks") == ["brick", "tile", "and", "plank"]
    assert prompt_words("grass moss glass") == ["grass", "moss", "glass"]


def test_material_is_the_first_named_and_cobblestone_outranks_stone() -> None:
    assert material_named("wood planks over sand") == "wood"
    assert material_named("stone cobblestone path") == "cobblestone"
    assert material_named("ocean waves") == "water"
    assert material_named("a shiny pattern") is None


@pytest.mark.parametrize(
    "prompt",
    ["a flaming wall torch, flat icon", "a wall clock", "a floor lamp", "ground beef burger"],
)
def test_a_place_word_before_an_object_is_not_a_texture(prompt: str) -> None:
    assert not says_texture(prompt)


@pytest.mark.parametrize(
    "prompt",
    [
        "a stone floor, pixel art",
        "red brick wall",
        "grass ground texture",
        "a tile of grass",
        "seamless sand",
        "mossy stone walls",
    ],
)
def test_a_place_word_as_the_phrase_head_is_a_texture(prompt: str) -> None:
    assert says_texture(prompt)
