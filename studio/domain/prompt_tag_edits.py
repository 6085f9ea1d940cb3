"""Editing a prompt's ``<lora:NAME:WEIGHT>`` tags and embedding names in place.

The prompt stays the one source of truth for which LoRAs a generation uses, as in A1111: the
LoRA picker reads the chosen LoRAs from the tags (:func:`chosen_loras`) and every pick, weight
change or removal is a rewrite of the prompt text. Names match ignoring case, as the engine
resolves them; the text around a tag is kept as the user wrote it.
"""

from __future__ import annotations

from studio.domain.prompt_tags import LoraTag, lora_tag_spans, with_lora_tags


def chosen_loras(prompt: str) -> tuple[LoraTag, ...]:
    """The LoRAs the prompt's tags name, in order, each once with the sum of its weights.

    Unlike :func:`~studio.domain.prompt_tags.split_lora_tags` this never raises: a tag being
    typed (``<lora:x:0.`` closed later, a weight not yet a number) is skipped, so the picker
    follows the prompt while the user types.
    """
    weights: dict[str, LoraTag] = {}
    for _start, _end, tag in lora_tag_spans(prompt):
        if tag is None:
            continue
        key = tag.name.casefold()
        known = weights.get(key)
        weights[key] = tag if known is None else LoraTag(known.name, known.weight + tag.weight)
    return tuple(weights.values())


def add_lora(prompt: str, name: str, weight: float = 1.0) -> str:
    """``prompt`` with ``<lora:NAME:WEIGHT>`` appended; a LoRA already tagged gets ``weight``."""
    if any(tag.name.casefold() == name.casefold() for tag in chosen_loras(prompt)):
        return set_lora_weight(prompt, name, weight)
    return with_lora_tags(prompt, [LoraTag(name, weight)])


def set_lora_weight(prompt: str, name: str, weight: float) -> str:
    """``prompt`` with the first tag of ``name`` rewritten to ``weight`` and any later tags of
    it removed (their weights would add up); unchanged when no tag names it."""
    spans = _spans_of(prompt, name)
    if not spans:
        return prompt
    for start, end, _written in reversed(spans[1:]):
        prompt = _cut(prompt, start, end)
    start, end, written = spans[0]
    return prompt[:start] + LoraTag(written, round(weight, 4)).text() + prompt[end:]


def remove_lora(prompt: str, name: str) -> str:
    """``prompt`` without the tags of ``name``, and without the comma that joined each one."""
    for start, end, _written in reversed(_spans_of(prompt, name)):
        prompt = _cut(prompt, start, end)
    return prompt


def insert_word(prompt: str, word: str) -> str:
    """``prompt`` with ``word`` (an embedding's name) appended as its own comma-joined term."""
    stripped = prompt.rstrip()
    if not stripped:
        return word
    separator = " " if stripped.endswith(",") else ", "
    return f"{stripped}{separator}{word}"


def _spans_of(prompt: str, name: str) -> list[tuple[int, int, str]]:
    folded = name.casefold()
    return [
        (start, end, tag.name)
        for start, end, tag in lora_tag_spans(prompt)
        if tag is not None and tag.name.casefold() == folded
    ]


def _cut(prompt: str, start: int, end: int) -> str:
    # Removing "<lora:x:1>" from "knight, <lora:x:1>, pixel art" must leave "knight, pixel
    # art", not "knight, , pixel art": the separator that joined the tag goes with it.
    before, after = prompt[:start], prompt[end:]
    head, tail = before.rstrip(), after.lstrip()
    if not head:
        return tail.removeprefix(",").lstrip()
    if not tail:
        return head.removesuffix(",").rstrip()
    if head.endswith(",") and tail.startswith(","):
        return f"{head} {tail[1:].lstrip()}"
    if tail.startswith(","):
        return head + tail
    spaced = before != head or after != tail
    return head + (" " if spaced else "") + tail
