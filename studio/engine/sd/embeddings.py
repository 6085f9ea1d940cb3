"""Textual-inversion embeddings on a warm SD/SDXL pipeline, through diffusers.

An embedding is used by its file name in the prompt or the negative prompt, as in A1111: only
the embeddings a prompt names are loaded (``load_textual_inversion``, token = file stem), and
one no longer named is taken out again (``unload_textual_inversion``), so the tokenizer and the
text encoder hold exactly what the prompt asks for. Files are A1111's ``.pt``
(``string_to_param``), ``.safetensors`` (``emb_params``) or a one-tensor file, and SDXL's
two-encoder files (``clip_l`` and ``clip_g``). Every file is read through
:mod:`studio.engine.safe_load`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.domain.errors import ModelLoadError
from studio.engine.model_hash import file_sha256
from studio.engine.safe_load import SAFETENSORS_SUFFIXES, damaged, load_pickle, load_state_dict

if TYPE_CHECKING:
    import torch

A1111_SHORT_HASH = 12
# Where a prompt word ends, as A1111's attention and tag syntax separates them.
_WORD = re.compile(r"[^\s,()\[\]{}<>:|]+")


def named_embeddings(texts: Iterable[str], available: Mapping[str, Path]) -> dict[str, Path]:
    """The embeddings of ``available`` (stem -> file) whose names appear as words in ``texts``."""
    words: set[str] = set()
    for text in texts:
        words.update(_WORD.findall(text))
    return {name: path for name, path in available.items() if name in words}


def a1111_embedding_hash(path: Path | str) -> str:
    """The short hash A1111 writes in ``TI hashes``: the file's sha256, first 12 hex digits."""
    try:
        return file_sha256(path)[:A1111_SHORT_HASH]
    except OSError:
        return ""


def read_embedding(path: Path) -> dict[str, torch.Tensor]:
    """The vectors of an embedding file per encoder: ``{"clip_l": ...}`` (+ ``"clip_g"``).

    Raises
    ------
    DamagedModelError, UnsafeModelError
        The file is unreadable, holds code, or holds no embedding.
    """
    import torch

    if path.suffix.lower() in SAFETENSORS_SUFFIXES:
        data: Any = load_state_dict(path)
    else:
        data = load_pickle(path)
    if not isinstance(data, dict):
        raise damaged(path, "it holds no embedding")
    if isinstance(data.get("string_to_param"), dict):  # A1111 .pt
        data = {"emb_params": next(iter(data["string_to_param"].values()), None)}
    tensors = {k: v for k, v in data.items() if isinstance(v, torch.Tensor)}
    if "clip_l" in tensors and "clip_g" in tensors:
        return {"clip_l": tensors["clip_l"], "clip_g": tensors["clip_g"]}
    vectors = tensors.get("emb_params")
    if vectors is None and len(tensors) == 1:
        vectors = next(iter(tensors.values()))
    if vectors is None or vectors.ndim not in (1, 2):
        raise damaged(path, "it holds no embedding")
    return {"clip_l": vectors.reshape(-1, vectors.shape[-1]).float()}


class AppliedEmbeddings:
    """The embeddings loaded into one pipeline's tokenizer(s) and text encoder(s)."""

    def __init__(self) -> None:
        # name -> (file, the tokens it added to each tokenizer)
        self._loaded: dict[str, tuple[Path, list[list[str]]]] = {}

    @property
    def names(self) -> list[str]:
        """The embeddings loaded now."""
        return list(self._loaded)

    def apply(self, pipe: Any, wanted: Mapping[str, Path], model_name: str) -> None:
        """Make ``wanted`` (name -> file) exactly the loaded embeddings.

        Raises
        ------
        ModelLoadError
            One line when an embedding was made for another model family (its vectors do not
            fit the text encoder); nothing new is loaded then.
        """
        stale = [n for n, (p, _) in self._loaded.items() if wanted.get(n) != p]
        for name in stale:
            self._unload(pipe, name)
        pairs = _encoder_pairs(pipe)
        new = {
            name: _fitted(name, read_embedding(path), pairs, model_name)
            for name, path in wanted.items()
            if name not in self._loaded
        }
        for name, per_encoder in new.items():
            added: list[list[str]] = []
            self._loaded[name] = (wanted[name], added)
            for (tokenizer, encoder), vectors in zip(pairs, per_encoder, strict=True):
                before = set(tokenizer.get_vocab())
                try:
                    pipe.load_textual_inversion(
                        vectors, token=name, tokenizer=tokenizer, text_encoder=encoder
                    )
                except ValueError:  # diffusers refuses a name the tokenizer already knows
                    self._unload(pipe, name)
                    raise ModelLoadError(
                        f"The embedding {name} has a name the text encoder already knows as a "
                        f"word piece: rename the file (for example to emb-{name})."
                    ) from None
                added.append([t for t in tokenizer.get_vocab() if t not in before])

    def clear(self, pipe: Any) -> None:
        """Take every loaded embedding out of the tokenizers and text encoders."""
        for name in list(self._loaded):
            self._unload(pipe, name)

    def _unload(self, pipe: Any, name: str) -> None:
        _, added = self._loaded.pop(name)
        for (tokenizer, encoder), tokens in zip(_encoder_pairs(pipe), added, strict=False):
            if tokens:  # an empty list would make diffusers remove every added token
                pipe.unload_textual_inversion(tokens, tokenizer=tokenizer, text_encoder=encoder)


def _encoder_pairs(pipe: Any) -> list[tuple[Any, Any]]:
    pairs = [(pipe.tokenizer, pipe.text_encoder)]
    if getattr(pipe, "text_encoder_2", None) is not None:
        pairs.append((pipe.tokenizer_2, pipe.text_encoder_2))
    return pairs


def _fitted(
    name: str, vectors: dict[str, torch.Tensor], pairs: list[tuple[Any, Any]], model_name: str
) -> list[torch.Tensor]:
    """The vectors for each encoder of the model, or one line saying they do not fit it."""
    keys = ["clip_l", "clip_g"][: len(pairs)]
    widths = [int(encoder.get_input_embeddings().weight.shape[-1]) for _, encoder in pairs]
    fits = set(vectors) == set(keys) and all(
        vectors[key].shape[-1] == width for key, width in zip(keys, widths, strict=True)
    )
    if not fits:
        made_for = (
            "SDXL" if "clip_g" in vectors else f"{next(iter(vectors.values())).shape[-1]}-wide"
        )
        raise ModelLoadError(
            f"The embedding {name} is made for {made_for} text encoders and does not fit "
            f"{model_name}: use an embedding made for this model's family."
        )
    return [vectors[key] for key in keys]
