"""The LoRA tags of a prompt, as AUTOMATIC1111 writes them: ``<lora:NAME:WEIGHT>``.

One definition of the syntax for the engine (which strips the tags before encoding and applies
the LoRAs), for recipes read back from other tools (which turn their LoRA lists into tags) and
for any face that shows them. ``<lyco:NAME:WEIGHT>`` (the LyCORIS extension's spelling) means
the same. As in A1111, the weight is optional (1.0), the tag word's case does not matter and
spaces around the name and weight are ignored; a third field (A1111's separate UNet weight) is
accepted and its first weight used for both. An unclosed ``<lora:`` is plain text, as in A1111.

The prompt the user wrote is never changed: the tags stay in the request and in the recipe.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from studio.domain.errors import InvalidRequestError

# More distinct LoRAs than anyone stacks (A1111 users rarely pass 10); keeps a pasted prompt
# with thousands of tags from loading thousands of files.
MAX_LORAS = 32
# Longest text between ``<lora:`` and ``>``; a bounded class keeps the scan linear.
_MAX_TAG_BODY = 300
_TAG = re.compile(rf"<\s*(lora|lyco)\s*:([^<>]{{0,{_MAX_TAG_BODY}}})>", re.IGNORECASE)
_MAX_WEIGHT = 100.0


@dataclass(frozen=True)
class LoraTag:
    """One LoRA named in a prompt: the name as written (a file stem) and its weight."""

    name: str
    weight: float = 1.0

    def text(self) -> str:
        """The tag as A1111 writes it: ``<lora:NAME:WEIGHT>`` (``0.8`` not ``0.80``)."""
        return f"<lora:{self.name}:{self.weight:g}>"


@dataclass(frozen=True)
class TaggedPrompt:
    """A prompt split into the text to encode and the LoRAs its tags name."""

    text: str
    loras: tuple[LoraTag, ...]


def split_lora_tags(prompt: str) -> TaggedPrompt:
    """Strip the LoRA tags out of ``prompt`` and collect them, one entry per name.

    A name tagged twice gets the sum of its weights (what applying it twice does to the
    weights), in the order first seen.

    Raises
    ------
    InvalidRequestError
        If a tag has no name or a weight that is not a number, or the prompt names more than
        :data:`MAX_LORAS` LoRAs.
    """
    weights: dict[str, float] = {}
    for match in _TAG.finditer(prompt):
        tag = _parse_tag(match.group(0), match.group(2))
        weights[tag.name] = weights.get(tag.name, 0.0) + tag.weight
        if len(weights) > MAX_LORAS:
            raise InvalidRequestError(
                f"The prompt names more than {MAX_LORAS} LoRAs; Studio applies at most "
                f"{MAX_LORAS} at once: remove some <lora:...> tags."
            )
    text = _TAG.sub("", prompt) if weights else prompt
    return TaggedPrompt(text, tuple(LoraTag(n, w) for n, w in weights.items()))


def lora_tag_spans(prompt: str) -> list[tuple[int, int, LoraTag | None]]:
    """``(start, end, tag)`` of every LoRA tag in ``prompt``, for a face that edits tags in
    place (the LoRA picker); a tag that does not parse has ``None`` and is left as written."""
    spans: list[tuple[int, int, LoraTag | None]] = []
    for match in _TAG.finditer(prompt):
        try:
            tag: LoraTag | None = _parse_tag(match.group(0), match.group(2))
        except InvalidRequestError:
            tag = None
        spans.append((match.start(), match.end(), tag))
    return spans


def _parse_tag(whole: str, body: str) -> LoraTag:
    fields = [field.strip() for field in body.split(":")]
    name = fields[0]
    if not name:
        raise InvalidRequestError(f"The tag {whole} names no LoRA: write <lora:NAME:0.8>.")
    weight = 1.0
    if len(fields) > 1 and fields[1]:
        try:
            weight = float(fields[1])
        except ValueError:
            weight = math.nan
        if not math.isfinite(weight) or abs(weight) > _MAX_WEIGHT:
            raise InvalidRequestError(
                f"The tag {whole} has the weight {fields[1]!r}, not a number up to "
                f"{_MAX_WEIGHT:g}: write for example <lora:{name}:0.8>."
            )
    return LoraTag(name, weight)


def with_lora_tags(prompt: str, loras: Iterable[LoraTag]) -> str:
    """``prompt`` with a tag appended for each LoRA it does not tag already (matched by name).

    Used when another tool's recipe lists its LoRAs outside the prompt (ComfyUI's loader
    nodes, A1111's ``Lora hashes``), so replaying it asks for the same LoRAs.
    """
    try:
        present = {tag.name.casefold() for tag in split_lora_tags(prompt).loras}
    except InvalidRequestError:
        present = set()
    added = [tag.text() for tag in loras if tag.name.casefold() not in present]
    if not added:
        return prompt
    separator = ", " if prompt.strip() else ""
    return f"{prompt.rstrip()}{separator}{' '.join(added)}"


def lora_names_from_hashes(text: str) -> tuple[LoraTag, ...]:
    """The LoRAs of A1111's ``Lora hashes`` value (``"NAME: HASH, NAME: HASH"``), weight 1.

    A1111 writes no weight there (the weight is in the prompt's tag); entries without a name
    are skipped.
    """
    names: list[str] = []
    for entry in text.split(",")[: MAX_LORAS * 2]:
        name = entry.rpartition(":")[0].strip() if ":" in entry else ""
        if name and name not in names:
            names.append(name)
    return tuple(LoraTag(name) for name in names[:MAX_LORAS])
