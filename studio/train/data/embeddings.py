"""Frozen MiniLM embeddings of a dataset's captions, computed once and cached beside it.

The encoder is frozen, so every epoch of every model would compute the same vectors; the cache
(``embeddings/all-MiniLM-L6-v2.safetensors``) is keyed by the hash of ``items.jsonl`` and
recomputed when the captions change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studio.engine.builtin.text_encoder import EMBED_DIM, ENCODER_NAME, MAX_TOKENS
from studio.imaging.atomic import atomic_write_with
from studio.train.data.dataset_format import items_sha256, read_items

if TYPE_CHECKING:
    import torch

    from studio.engine.builtin.text_encoder import TextEncoder

EMBEDDINGS_DIR = "embeddings"
ENCODE_BATCH = 256


@dataclass(frozen=True, eq=False)
class CaptionEmbeddings:
    """The encoded captions of a dataset, row ``i`` for image ``i``.

    Parameters
    ----------
    pooled
        ``(N, 384)`` float16, L2-normalised sentence vectors.
    tokens
        ``(N, MAX_TOKENS, 384)`` float16 token states, zero where ``mask`` is False.
    mask
        ``(N, MAX_TOKENS)`` bool, True at real tokens.
    """

    pooled: torch.Tensor
    tokens: torch.Tensor
    mask: torch.Tensor

    def __len__(self) -> int:
        return int(self.pooled.shape[0])


def cache_path(dataset_dir: Path | str) -> Path:
    """Where the caption embeddings of ``dataset_dir`` are cached."""
    return Path(dataset_dir) / EMBEDDINGS_DIR / f"{ENCODER_NAME}.safetensors"


def load_caption_embeddings(
    dataset_dir: Path | str,
    encoder: TextEncoder | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CaptionEmbeddings:
    """The caption embeddings of a dataset, from the cache or freshly computed (then cached).

    Parameters
    ----------
    dataset_dir
        A dataset folder.
    encoder
        A loaded :class:`~studio.engine.builtin.text_encoder.TextEncoder`; loaded on the CPU
        only if the cache is missing or stale and none is given.
    progress
        Called with ``(done, total)`` captions while computing.
    """
    folder = Path(dataset_dir)
    key = items_sha256(folder)
    cached = _read_cache(cache_path(folder), key)
    if cached is not None:
        return cached
    captions = [item["caption"] for item in read_items(folder)]
    if encoder is None:
        from studio.engine.builtin.text_encoder import TextEncoder

        encoder = TextEncoder.load("cpu")
    embeddings = encode_captions(captions, encoder, progress)
    _write_cache(cache_path(folder), embeddings, key)
    return embeddings


def encode_captions(
    captions: list[str],
    encoder: TextEncoder,
    progress: Callable[[int, int], None] | None = None,
) -> CaptionEmbeddings:
    """Encode ``captions`` in batches, padding token states to ``MAX_TOKENS``."""
    import torch

    count = len(captions)
    pooled = torch.zeros(count, EMBED_DIM, dtype=torch.float16)
    tokens = torch.zeros(count, MAX_TOKENS, EMBED_DIM, dtype=torch.float16)
    mask = torch.zeros(count, MAX_TOKENS, dtype=torch.bool)
    for start in range(0, count, ENCODE_BATCH):
        batch = encoder.encode(captions[start : start + ENCODE_BATCH])
        stop = start + batch.pooled.shape[0]
        length = batch.tokens.shape[1]
        pooled[start:stop] = batch.pooled.to("cpu", torch.float16)
        batch_mask = batch.mask.to("cpu")
        states = batch.tokens.to("cpu", torch.float16) * batch_mask.unsqueeze(-1)
        tokens[start:stop, :length] = states
        mask[start:stop, :length] = batch_mask
        if progress is not None:
            progress(stop, count)
    return CaptionEmbeddings(pooled, tokens, mask)


def _read_cache(path: Path, key: str) -> CaptionEmbeddings | None:
    from safetensors import SafetensorError, safe_open

    if not path.is_file():
        return None
    try:
        with safe_open(str(path), framework="pt") as handle:
            meta = handle.metadata() or {}
            if meta.get("items_sha256") != key or meta.get("max_tokens") != str(MAX_TOKENS):
                return None
            return CaptionEmbeddings(
                handle.get_tensor("pooled"), handle.get_tensor("tokens"), handle.get_tensor("mask")
            )
    except (OSError, ValueError, KeyError, RuntimeError, SafetensorError):
        # A damaged cache is only a cache: compute it again.
        return None


def _write_cache(path: Path, embeddings: CaptionEmbeddings, key: str) -> None:
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {"pooled": embeddings.pooled, "tokens": embeddings.tokens, "mask": embeddings.mask}
    metadata = {"items_sha256": key, "encoder": ENCODER_NAME, "max_tokens": str(MAX_TOKENS)}
    atomic_write_with(path, lambda temporary: save_file(tensors, str(temporary), metadata=metadata))
