"""The add-ons a prompt asks for, made ready on the pipeline before its text is encoded.

The prompt's ``<lora:NAME:WEIGHT>`` tags (:mod:`studio.domain.prompt_tags`) are stripped from
the text to encode; their names and the embedding names among the prompt's words resolve
through the registry (:mod:`studio.engine.addon_lookup`); then the LoRA set (:mod:`.lora`) and
the embeddings (:mod:`.embeddings`) on the warm pipeline are made to match. Every name
resolves and every new file is checked before the model changes. What was used goes into the
recipe as A1111 writes it: ``Lora hashes`` and ``TI hashes`` (``"NAME: HASH, NAME: HASH"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from studio.domain.model_kind import ModelKind
from studio.domain.models import ModelFamily
from studio.domain.prompt_tags import split_lora_tags
from studio.engine.addon_lookup import AddonIndex, NoAddons, addon_files, resolve_addon
from studio.engine.sd.embeddings import (
    AppliedEmbeddings,
    a1111_embedding_hash,
    named_embeddings,
)
from studio.engine.sd.lora import AppliedLoras, LoraChoice, a1111_lora_hash


@dataclass(frozen=True)
class PreparedPrompts:
    """The texts to encode, and the recipe pairs naming the add-ons used."""

    prompt: str
    negative: str
    recipe: dict[str, str] = field(default_factory=dict)


class SdAddons:
    """The LoRAs and embeddings on one warm pipeline, kept in step with each prompt.

    Parameters
    ----------
    index
        Where names are looked up: the model registry (asked at every job, so a folder added
        while the model is warm counts).
    """

    def __init__(self, index: AddonIndex | None = None) -> None:
        self._index: AddonIndex = index if index is not None else NoAddons()
        self.loras = AppliedLoras()
        self.embeddings = AppliedEmbeddings()

    @property
    def index(self) -> AddonIndex:
        """Where names resolve: the registry (rescan it to see files added since its scan)."""
        return self._index

    def prepare(
        self, pipe: Any, model_name: str, family: ModelFamily, prompt: str, negative: str
    ) -> PreparedPrompts:
        """Apply what ``prompt`` and ``negative`` name; the texts to encode and recipe pairs.

        Raises
        ------
        InvalidRequestError
            A malformed tag, or too many.
        ModelNotFoundError
            A LoRA name found in no add-on folder.
        ModelLoadError, DamagedModelError, UnsafeModelError
            A file of another family, a LyCORIS kind diffusers cannot load, a broken file.
        """
        tagged = split_lora_tags(prompt)
        choices = [
            LoraChoice(tag.name, resolve_addon(self._index, ModelKind.LORA, tag.name), tag.weight)
            for tag in tagged.loras
        ]
        available = addon_files(self._index, ModelKind.EMBEDDING)
        wanted = named_embeddings([tagged.text, negative], available)
        self.loras.apply(pipe, choices, model_name, family)
        self.embeddings.apply(pipe, wanted, model_name)
        recipe = {}
        if choices:
            recipe["Lora hashes"] = ", ".join(
                f"{_alias(c.name)}: {a1111_lora_hash(c.path)}" for c in choices
            )
        if wanted:
            recipe["TI hashes"] = ", ".join(
                f"{_alias(name)}: {a1111_embedding_hash(path)}" for name, path in wanted.items()
            )
        return PreparedPrompts(tagged.text, negative, recipe)


def _alias(name: str) -> str:
    # A1111 drops the two characters its "NAME: HASH, ..." list cannot hold.
    return name.replace(":", "").replace(",", "")
