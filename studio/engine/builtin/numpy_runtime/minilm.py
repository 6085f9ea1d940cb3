"""all-MiniLM-L6-v2 in numpy: the same forward pass as :mod:`studio.engine.builtin.minilm`.

Read from the same ``model.safetensors`` and split by the same ``tokenizers`` tokenizer, so the
pooled vector and token states match the torch encoder's (tests compare the two).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from studio.engine.builtin.numpy_runtime.ops import attention, gelu, layer_norm, linear
from studio.engine.builtin.numpy_runtime.weights import load_float32
from studio.engine.builtin.tokens import encoder_shape

_PREFIX_LAYER = "encoder.layer.{}."


class NumpyMiniLM:
    """The encoder's forward pass over a dict of float32 arrays (inference only)."""

    def __init__(self, weights: dict[str, np.ndarray], config: dict) -> None:
        self._w = weights
        self._heads, self._layers, self._eps = encoder_shape(config)

    @classmethod
    def load(cls, folder: Path) -> NumpyMiniLM:
        """Read ``config.json`` and ``model.safetensors`` from the encoder's folder."""
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        return cls(load_float32(folder / "model.safetensors"), config)

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """Last hidden states ``(B, L, 384)`` of ``input_ids`` ``(B, L)``."""
        w = self._w
        length = input_ids.shape[1]
        x = (
            w["embeddings.word_embeddings.weight"][input_ids]
            + w["embeddings.position_embeddings.weight"][:length][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        keep = attention_mask.astype(bool)[:, None, None, :]  # (B, 1, 1, L): keys to attend to
        for index in range(self._layers):
            x = self._block(x, keep, _PREFIX_LAYER.format(index))
        return x

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        return layer_norm(x, self._w[name + ".weight"], self._w[name + ".bias"], self._eps)

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return linear(x, self._w[name + ".weight"], self._w[name + ".bias"])

    def _block(self, x: np.ndarray, keep: np.ndarray, p: str) -> np.ndarray:
        batch, length, width = x.shape
        head = width // self._heads

        def split(t: np.ndarray) -> np.ndarray:
            return t.reshape(batch, length, self._heads, head).transpose(0, 2, 1, 3)

        q = split(self._linear(x, p + "attention.self.query"))
        k = split(self._linear(x, p + "attention.self.key"))
        v = split(self._linear(x, p + "attention.self.value"))
        context = attention(q, k, v, keep).transpose(0, 2, 1, 3).reshape(batch, length, width)
        x = self._norm(
            x + self._linear(context, p + "attention.output.dense"),
            p + "attention.output.LayerNorm",
        )
        hidden = gelu(self._linear(x, p + "intermediate.dense"))
        return self._norm(x + self._linear(hidden, p + "output.dense"), p + "output.LayerNorm")
