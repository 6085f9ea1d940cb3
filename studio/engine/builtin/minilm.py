"""all-MiniLM-L6-v2 read straight from its safetensors file: a 6-layer BERT in plain torch.

Importing transformers and building the model through ``AutoModel`` cost 3-4 s of a 5-6 s first
sprite; the encoder itself is 22 M parameters and a few dozen tensor operations. Here the weights
load with ``safetensors`` and the text is split by the ``tokenizers`` library from the package's
own ``tokenizer.json`` (the same fast tokenizer transformers wraps), so the outputs are the same
as transformers' BertModel (tests/engine/builtin compare the two).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
import torch.nn.functional as F  # noqa: N812  (torch's own convention)

from studio.engine.builtin.tokens import encoder_shape

_PREFIX_LAYER = "encoder.layer.{}."


class MiniLM:
    """The encoder's forward pass over a dict of weight tensors (inference only)."""

    def __init__(self, weights: dict[str, torch.Tensor], config: dict) -> None:
        self._w = weights
        self._heads, self._layers, self._eps = encoder_shape(config)

    @classmethod
    def load(cls, folder: Path, device: torch.device) -> MiniLM:
        from safetensors.torch import load_file

        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        weights = load_file(folder / "model.safetensors", device=str(device))
        return cls(weights, config)

    def _norm(self, x: torch.Tensor, name: str) -> torch.Tensor:
        w = self._w
        return F.layer_norm(x, x.shape[-1:], w[name + ".weight"], w[name + ".bias"], self._eps)

    def _linear(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return F.linear(x, self._w[name + ".weight"], self._w[name + ".bias"])

    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Last hidden states ``(B, L, 384)`` of ``input_ids`` ``(B, L)``."""
        w = self._w
        length = input_ids.shape[1]
        x = (
            w["embeddings.word_embeddings.weight"][input_ids]
            + w["embeddings.position_embeddings.weight"][:length].unsqueeze(0)
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        keep = attention_mask.bool()[:, None, None, :]  # (B, 1, 1, L): which keys to attend to
        for index in range(self._layers):
            x = self._block(x, keep, _PREFIX_LAYER.format(index))
        return x

    def _block(self, x: torch.Tensor, keep: torch.Tensor, p: str) -> torch.Tensor:
        batch, length, width = x.shape
        head = width // self._heads

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(batch, length, self._heads, head).transpose(1, 2)

        q = split(self._linear(x, p + "attention.self.query"))
        k = split(self._linear(x, p + "attention.self.key"))
        v = split(self._linear(x, p + "attention.self.value"))
        # torch's fused attention, as transformers' BertModel uses: a row's result does not
        # depend on how much padding its batch carries (the dataset cache relies on that).
        context = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
        context = context.transpose(1, 2).reshape(batch, length, width)
        attended = x + self._linear(context, p + "attention.output.dense")
        x = self._norm(attended, p + "attention.output.LayerNorm")
        hidden = F.gelu(self._linear(x, p + "intermediate.dense"))
        return self._norm(x + self._linear(hidden, p + "output.dense"), p + "output.LayerNorm")
