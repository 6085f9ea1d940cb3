"""Colour words from pixels, recoloured copies and the held-out game prompts (synthetic data)."""

from __future__ import annotations

import numpy as np
import pytest

from studio.train.data.colours import (
    COLOUR_WORDS,
    PALETTE,
    caption_colour_words,
    dominant_colours,
    name_colours,
    strip_hue_words,
    with_colour_words,
)
from studio.train.data.game_prompts import game_prompts, is_heldout_caption, is_heldout_pair
from studio.train.data.recolour import AugmentRecipe, augment


def _sprite(rgb, side: int = 16, alpha: int = 255) -> np.ndarray:
    image = np.zeros((side, side, 4), np.uint8)
    image[side // 4 : 3 * side // 4, side // 4 : 3 * side // 4] = (*rgb, alpha)
    return image


@pytest.mark.parametrize("word", COLOUR_WORDS)
def test_every_palette_colour_is_named_by_its_own_word(word) -> None:
    for rgb in PALETTE[word]:
        assert COLOUR_WORDS[int(name_colours(np.array(rgb) / 255.0))] == word
        assert dominant_colours(_sprite(rgb)) == [word]


def test_dominant_colours_ignore_transparent_pixels_and_name_two_large_areas() -> None:
    image = _sprite(PALETTE["red"][0])
    image[:, :, :3] = np.where(image[:, :, 3:] == 0, (40, 90, 220), image[:, :, :3])
    assert dominant_colours(image) == ["red"]  # blue only where alpha is 0
    half = np.zeros((16, 16, 4), np.uint8)
    half[:8] = (*PALETTE["green"][0], 255)
    half[8:, :6] = (*PALETTE["white"][0], 255)
    assert dominant_colours(half) == ["green", "white"]
    assert dominant_colours(np.zeros((8, 8, 4), np.uint8)) == []


def test_caption_words_are_added_once_and_hue_words_can_be_rewritten() -> None:
    assert with_colour_words("dragon head, silhouette", ["red", "black"]) == (
        "red and black dragon head, silhouette"
    )
    assert with_colour_words("red apple, flat", ["red"]) == "red apple, flat"
    assert caption_colour_words("a golden sword, pixel art") == ["yellow"]
    assert strip_hue_words("red apple, fruit, flat") == "apple, fruit, flat"


def _dataset():
    rows = [
        ("gameicons", "game icon", "axe, game icon", _sprite((0, 0, 0), 32)),
        ("pixelarticons", "pixel art", "star, pixel art", _sprite((0, 0, 0), 32)),
        ("fluentflat", "flat", "red apple, flat", _sprite(PALETTE["red"][0], 32)),
    ]
    images64 = np.stack([np.roll(row[3], 3 * i, axis=1) for i, row in enumerate(rows)])
    images32 = images64[:, ::2, ::2].copy()
    items = [
        {
            "caption": c,
            "concept": c,
            "style": st,
            "source": so,
            "key": f"{so}:{i}",
            "split": "train",
        }
        for i, (so, st, c, _) in enumerate(rows)
    ]
    return {32: images64, 16: images32}, items


def test_augment_captions_colours_restyles_line_art_and_adds_copies_with_their_colours() -> None:
    arrays, items = _dataset()
    recipe = AugmentRecipe(recolour_share=3.0, hue_share=1.0, pixel_share=1.0)
    out_arrays, out_items = augment(arrays, items, recipe)
    originals = [item for item in out_items if "#" not in item["key"]]
    assert [item["caption"] for item in originals] == [
        "black axe, silhouette",
        "black star, line icon",
        "red apple, flat",
    ]
    assert len(out_items) == len(out_arrays[32]) == len(out_arrays[16]) > 3
    copies = [item for item in out_items if "#" in item["key"]]
    for index, item in enumerate(out_items):
        colours = dominant_colours(out_arrays[32][index])
        assert colours[0] in caption_colour_words(item["caption"]), item["caption"]
        assert item["split"] == "train" and item["key"].split("#")[0] in {i["key"] for i in items}
    assert any(i["key"].startswith("fluentflat:2#hue") for i in copies)
    # Each copy's image sits on the copy's row: fills, gradients and hue rotations keep the
    # original's alpha exactly.
    originals = {item["key"]: row for row, item in enumerate(out_items) if "#" not in item["key"]}
    for index, item in enumerate(out_items):
        if "#" not in item["key"]:
            continue
        base_key, tag = item["key"].split("#")
        if tag.startswith(("fill", "gradient", "hue")):
            original = out_arrays[32][originals[base_key]][..., 3]
            assert np.array_equal(out_arrays[32][index][..., 3], original), item["key"]
    pixel = [i for i in copies if "#pixel" in i["key"]]
    assert pixel and all(i["caption"].endswith("pixel art") for i in pixel)
    # Only colour pixel-art copies say "pixel art"; the alpha of those copies is crisp.
    assert all(i["style"] == "pixel art" for i in out_items if "pixel art" in i["caption"])
    row = next(k for k, i in enumerate(out_items) if "#pixel" in i["key"])
    assert set(np.unique(out_arrays[32][row][..., 3])) <= {0, 255}


def test_augment_is_deterministic_and_its_share_is_a_setting() -> None:
    arrays, items = _dataset()
    first = augment(arrays, items, AugmentRecipe(seed=3))
    second = augment(arrays, items, AugmentRecipe(seed=3))
    assert [i["caption"] for i in first[1]] == [i["caption"] for i in second[1]]
    assert np.array_equal(first[0][32], second[0][32])
    none = augment(arrays, items, AugmentRecipe(recolour_share=0, hue_share=0, pixel_share=0))
    assert len(none[1]) == 3


def test_game_prompts_are_objects_times_colours_and_never_trained_on() -> None:
    prompts = game_prompts()
    assert len(prompts) == 144 and {p.colour for p in prompts} == set(COLOUR_WORDS)
    assert is_heldout_caption("A red dragon, pixel art.")
    assert not is_heldout_caption("red dragon head, silhouette")
    assert is_heldout_pair("blue", "dragon") and not is_heldout_pair("blue", "dragon head")
    arrays, items = _dataset()
    items[0] = {**items[0], "caption": "dragon, game icon", "concept": "dragon"}
    _, out = augment(arrays, items, AugmentRecipe(recolour_share=8.0, hue_share=0, pixel_share=0))
    # Every colour of "dragon" is a held-out game prompt: no recoloured dragon is trained on.
    assert not [i for i in out if i["key"].startswith("gameicons:0#")]
    items[0] = {**items[0], "caption": "dragon head, game icon", "concept": "dragon head"}
    _, out = augment(arrays, items, AugmentRecipe(recolour_share=8.0, hue_share=0, pixel_share=0))
    recoloured = [i["caption"] for i in out if i["key"].startswith("gameicons:0#")]
    assert len(recoloured) > 4
    assert not any(is_heldout_caption(c) for c in recoloured)
