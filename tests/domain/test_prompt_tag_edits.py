"""The picker's edits of a prompt's LoRA tags, and the wording of what an added folder holds."""

from __future__ import annotations

import pytest

from studio.domain.model_addition import KIND_NOUNS, ModelAddition, count_text
from studio.domain.model_kind import AddonInfo, ModelKind
from studio.domain.models import ModelFamily, ModelFormat, ModelInfo, ModelSource
from studio.domain.prompt_tag_edits import (
    add_lora,
    chosen_loras,
    insert_word,
    remove_lora,
    set_lora_weight,
)
from studio.domain.prompt_tags import LoraTag, lora_tag_spans


def test_chosen_loras_follow_hand_typed_tags_and_skip_half_typed_ones() -> None:
    prompt = "knight <lora:Pixel:0.5>, <lora:pixel:0.25> <lora:x:abc> <lora:dither"
    assert chosen_loras(prompt) == (LoraTag("Pixel", 0.75),)
    assert [tag for _s, _e, tag in lora_tag_spans(prompt)][-1] is None  # the bad weight


def test_adding_appends_a_tag_once() -> None:
    assert add_lora("", "pixel", 1.0) == "<lora:pixel:1>"
    once = add_lora("a knight", "pixel", 0.8)
    assert once == "a knight, <lora:pixel:0.8>"
    assert add_lora(once, "PIXEL", 0.6) == "a knight, <lora:pixel:0.6>"


def test_a_weight_change_rewrites_the_tag_in_place() -> None:
    prompt = "a <lora:pixel:1> knight, <lora:pixel:0.5>, castle"
    assert set_lora_weight(prompt, "Pixel", 0.35) == "a <lora:pixel:0.35> knight, castle"
    assert set_lora_weight("no tags", "pixel", 2) == "no tags"


@pytest.mark.parametrize(
    ("prompt", "left"),
    [
        ("a knight, <lora:x:1>", "a knight"),
        ("<lora:x:1>, a knight", "a knight"),
        ("a knight, <lora:x:1>, pixel art", "a knight, pixel art"),
        ("a knight <lora:x:1> pixel art", "a knight pixel art"),
        ("a <lora:x:1><lora:y:0.5>", "a <lora:y:0.5>"),
        ("<LoRA: X :0.3> only", "only"),
    ],
)
def test_removing_takes_the_tag_and_its_separator(prompt: str, left: str) -> None:
    assert remove_lora(prompt, "x") == left


def test_an_embedding_name_is_appended_as_its_own_term() -> None:
    assert insert_word("", "bad-hands") == "bad-hands"
    assert insert_word("blurry", "bad-hands") == "blurry, bad-hands"
    assert insert_word("blurry, ", "bad-hands") == "blurry, bad-hands"


def _addon(name: str, kind: ModelKind) -> AddonInfo:
    return AddonInfo(name, kind, ModelFamily.SD1, f"/m/{name}.safetensors")


def test_the_summary_counts_kinds_in_words() -> None:
    checkpoint = ModelInfo(
        "/m/a", "a", ModelFamily.SD1, ModelSource.USER, ModelFormat.SAFETENSORS, "/m/a"
    )
    addition = ModelAddition(
        "/webui",
        "A1111/Forge install",
        checkpoints=(checkpoint,) * 3,
        addons=(
            *(_addon(f"l{i}", ModelKind.LORA) for i in range(12)),
            _addon("e1", ModelKind.EMBEDDING),
            _addon("e2", ModelKind.EMBEDDING),
            _addon("u", ModelKind.UPSCALER),
        ),
        problems=("a.safetensors: damaged", "b.pt: would run code"),
    )
    assert addition.summary() == (
        "A1111/Forge install: 3 checkpoints, 12 LoRAs, 2 embeddings, 1 upscaler; 2 files skipped"
    )
    assert ModelAddition("/x", "folder", skipped=1).summary() == (
        "folder: nothing Studio can use; 1 file skipped"
    )


def test_every_kind_has_a_noun_for_counting() -> None:
    assert set(KIND_NOUNS) == set(ModelKind)
    assert count_text(ModelKind.IP_ADAPTER, 2) == "2 IP-Adapters"
