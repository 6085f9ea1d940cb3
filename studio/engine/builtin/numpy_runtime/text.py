"""The frozen MiniLM sentence encoder on the numpy runtime."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.engine.builtin.numpy_runtime.minilm import NumpyMiniLM
from studio.engine.builtin.tokens import load_tokenizer, packaged_model_dir, tokenize


@dataclass(frozen=True, eq=False)
class NumpyEmbedding:
    """``pooled`` (B, 384) unit vectors, ``tokens`` (B, L, 384), ``mask`` (B, L) bool."""

    pooled: np.ndarray
    tokens: np.ndarray
    mask: np.ndarray
    truncated: tuple[bool, ...]


class NumpyTextEncoder:
    """all-MiniLM-L6-v2 from the packaged safetensors, tokenised by ``tokenizers``."""

    def __init__(self, tokenizer, model: NumpyMiniLM) -> None:
        self._tokenizer = tokenizer
        self._model = model

    @classmethod
    def load(cls, folder: Path | None = None) -> NumpyTextEncoder:
        """Load the packaged encoder (or the one in ``folder``) without touching the network."""
        folder = folder or packaged_model_dir()
        return cls(load_tokenizer(folder), NumpyMiniLM.load(folder))

    def encode(self, texts: list[str]) -> NumpyEmbedding:
        """Mean-pooled, L2-normalised vectors and the token states (sentence-transformers')."""
        tokens = tokenize(self._tokenizer, texts)
        hidden = self._model(tokens.ids, tokens.mask)
        weights = tokens.mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        norm = np.maximum(np.linalg.norm(pooled, axis=-1, keepdims=True), np.float32(1e-12))
        return NumpyEmbedding(pooled / norm, hidden, tokens.mask, tokens.truncated)
