"""The icon bank of a retrieval-augmented built-in model: lookup, seeded picks, damage."""

from __future__ import annotations

import numpy as np
import pytest

from studio.domain.errors import DamagedModelError
from studio.engine.builtin.reference_bank import BANK_NAME, ReferenceBank
from tests.engine.builtin.conftest import write_tiny_bank


@pytest.fixture(scope="module")
def bank_folder(tmp_path_factory, builtin_encoder):
    folder = tmp_path_factory.mktemp("bank")
    write_tiny_bank(folder, builtin_encoder)
    return folder


def _candidates(bank, encoder, prompt: str, style=None):
    from studio.domain.prompt_subject import prompt_subject

    vector = encoder.encode([prompt_subject(prompt)]).pooled[0].numpy()
    return bank.candidates(vector, style)


@pytest.mark.parametrize(
    ("prompt", "concept"),
    [
        ("a red health potion, pixel art", "health potion"),
        ("a blue dragon", "dragon"),
        ("a steel sword", "sword"),
        ("a pink heart icon", "heart"),
    ],
)
def test_a_prompt_finds_the_icons_of_its_object(bank_folder, builtin_encoder, prompt, concept):
    bank = ReferenceBank.load(bank_folder)
    found = _candidates(bank, builtin_encoder, prompt)
    first = bank.concepts[bank.concept_of[found.rows[0]]]
    assert first == concept


def test_the_style_word_prefers_the_matching_art_source(bank_folder, builtin_encoder) -> None:
    bank = ReferenceBank.load(bank_folder)
    silhouettes = _candidates(bank, builtin_encoder, "a dragon, silhouette", "silhouette")
    colour = _candidates(bank, builtin_encoder, "a dragon", None)
    assert {bank.sources[bank.source_of[r]] for r in silhouettes.rows} == {"gameicons"}
    assert "gameicons" not in {bank.sources[bank.source_of[r]] for r in colour.rows}


def test_a_seed_always_picks_the_same_icon_and_seeds_differ(bank_folder, builtin_encoder) -> None:
    bank = ReferenceBank.load(bank_folder)
    found = _candidates(bank, builtin_encoder, "a red heart")
    picks = [bank.pick(found, seed) for seed in range(16)]
    again = [bank.pick(found, seed) for seed in range(16)]
    assert [p.describe() for p in picks] == [p.describe() for p in again]
    assert len({(p.key, p.flipped) for p in picks}) > 1
    flipped = next(p for p in picks if p.flipped)
    row = bank.keys.index(flipped.key)
    assert np.array_equal(flipped.pixels, bank.images[row, :, ::-1])


def test_the_recipe_facts_say_what_was_drawn_on_and_how_far(bank_folder, builtin_encoder) -> None:
    bank = ReferenceBank.load(bank_folder)
    picked = bank.pick(_candidates(bank, builtin_encoder, "a sword"), 0)
    copy = picked.facts(picked.pixels)
    other = picked.facts(np.zeros_like(picked.pixels))
    assert copy["Drew on"].startswith("sword (test:")
    assert copy["Reference distance"] == 0.0 < other["Reference distance"]
    distance, key = bank.nearest_distance(bank.images[3])
    assert distance == 0.0 and key == bank.keys[3]


def test_a_model_without_a_bank_has_none(tmp_path) -> None:
    assert ReferenceBank.load(tmp_path) is None


@pytest.mark.parametrize("damage", ["truncated", "fifo", "missing array"])
def test_a_damaged_bank_is_one_line_naming_it(bank_folder, tmp_path, damage) -> None:
    import os

    target = tmp_path / BANK_NAME
    data = (bank_folder / BANK_NAME).read_bytes()
    if damage == "truncated":
        target.write_bytes(data[: len(data) // 2])
    elif damage == "fifo":
        os.mkfifo(target)
    else:
        with np.load(bank_folder / BANK_NAME) as arrays:
            kept = {name: arrays[name] for name in arrays.files if name != "vectors"}
        np.savez(target, **kept)
    with pytest.raises(DamagedModelError, match=BANK_NAME) as caught:
        ReferenceBank.load(tmp_path)
    assert "\n" not in str(caught.value)
