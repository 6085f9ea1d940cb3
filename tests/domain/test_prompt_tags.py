"""The one definition of A1111's ``<lora:NAME:WEIGHT>`` syntax."""

from __future__ import annotations

import time

import pytest

from studio.domain.errors import InvalidRequestError
from studio.domain.prompt_tags import (
    MAX_LORAS,
    LoraTag,
    lora_names_from_hashes,
    split_lora_tags,
    with_lora_tags,
)


def test_tags_are_stripped_and_collected_with_weights() -> None:
    tagged = split_lora_tags("a knight <lora:pixel-art:0.8>, castle <lyco:Dither>")

    assert tagged.text == "a knight , castle "
    assert tagged.loras == (LoraTag("pixel-art", 0.8), LoraTag("Dither", 1.0))


def test_a1111_tolerance_for_case_spaces_and_a_unet_weight() -> None:
    tagged = split_lora_tags("<LoRA: my style : 0.5 >x< lora :b:0.7:0.2>")

    assert tagged.loras == (LoraTag("my style", 0.5), LoraTag("b", 0.7))
    assert tagged.text == "x"


def test_a_name_tagged_twice_adds_its_weights() -> None:
    assert split_lora_tags("<lora:a:0.25> <lora:a:0.5>").loras == (LoraTag("a", 0.75),)


def test_a_prompt_without_tags_is_returned_as_is() -> None:
    text = "plain <b>bold</b> and <lora: unclosed"
    tagged = split_lora_tags(text)

    assert tagged.text == text
    assert tagged.loras == ()


@pytest.mark.parametrize(
    ("prompt", "fragment"),
    [
        ("<lora:x:abc>", "'abc'"),
        ("<lora:x:nan>", "'nan'"),
        ("<lora:x:1e9>", "'1e9'"),
        ("<lora::0.5>", "names no LoRA"),
    ],
)
def test_a_bad_tag_is_one_line_naming_it(prompt: str, fragment: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        split_lora_tags(prompt)

    message = str(caught.value)
    assert fragment in message
    assert "\n" not in message


def test_ten_thousand_tags_are_refused_quickly() -> None:
    prompt = " ".join(f"<lora:n{i}:0.1>" for i in range(10_000))
    started = time.perf_counter()

    with pytest.raises(InvalidRequestError, match=f"at most {MAX_LORAS}"):
        split_lora_tags(prompt)

    assert time.perf_counter() - started < 1.0


def test_ten_thousand_repeats_of_one_tag_are_one_lora() -> None:
    tagged = split_lora_tags("<lora:a:0.001>" * 10_000)

    assert [tag.name for tag in tagged.loras] == ["a"]
    assert tagged.loras[0].weight == pytest.approx(10.0)


def test_hostile_text_scans_in_linear_time() -> None:
    prompt = "<lora:" * 50_000 + "<" * 50_000
    started = time.perf_counter()

    assert split_lora_tags(prompt).loras == ()
    assert time.perf_counter() - started < 1.0


def test_with_lora_tags_appends_only_missing_names() -> None:
    prompt = "cat <lora:pixel:0.6>"

    merged = with_lora_tags(prompt, [LoraTag("Pixel"), LoraTag("dither", 0.8)])

    assert merged == "cat <lora:pixel:0.6>, <lora:dither:0.8>"
    assert with_lora_tags("", [LoraTag("a")]) == "<lora:a:1>"
    assert with_lora_tags(prompt, []) == prompt


def test_lora_hashes_value_gives_the_names() -> None:
    text = "add-detail-xl: 9c783c8ce46c, xl_more_art-full_v1: fe3b4816be83, junk, : 00"

    assert lora_names_from_hashes(text) == (
        LoraTag("add-detail-xl"),
        LoraTag("xl_more_art-full_v1"),
    )
