"""Training batches: dataset images in model space with their cached caption embeddings.

Everything a step needs is in memory (15k sprites at 32 px are 60 MB; their MiniLM states a few
hundred MB in float16), so a step costs only the model's own compute.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from studio.domain.errors import InvalidRequestError
from studio.engine.builtin.pixels import straight_uint8_to_model
from studio.engine.builtin.text_encoder import TextEmbedding


@dataclass(frozen=True, eq=False)
class Batch:
    """One training batch.

    Parameters
    ----------
    indices
        ``(B,)`` rows of the dataset the batch came from.
    images
        ``(B, 4, S, S)`` premultiplied RGBA in [-1, 1].
    text
        The captions' cached embeddings (float32).
    """

    indices: torch.Tensor
    images: torch.Tensor
    text: TextEmbedding

    def __len__(self) -> int:
        return int(self.indices.shape[0])


class TrainingData:
    """A dataset's training split (or any subset) ready for batching.

    Parameters
    ----------
    images
        ``(N, S, S, 4)`` uint8 straight RGBA of every dataset row.
    pooled, tokens, mask
        The cached caption embeddings of every row (tokens trimmed to the longest caption).
    captions
        Every row's caption.
    train_indices, heldout_indices
        Which rows to train on and which to keep for samples and evaluation.
    items
        Every row's dataset item (concept, source, key ...), where the trainer needs more than
        the caption (the reference pairs of a retrieval-augmented model).
    """

    def __init__(
        self,
        images: np.ndarray,
        pooled: torch.Tensor,
        tokens: torch.Tensor,
        mask: torch.Tensor,
        captions: list[str],
        train_indices: np.ndarray,
        heldout_indices: np.ndarray,
        items: list[dict[str, Any]] | None = None,
    ) -> None:
        self.items = items or [
            {"caption": c, "concept": c, "source": "", "key": ""} for c in captions
        ]
        self.images = torch.from_numpy(np.array(images, dtype=np.uint8, copy=True))
        self.pooled = pooled
        length = max(1, int(mask.sum(dim=1).max()))
        self.tokens = tokens[:, :length].contiguous()
        self.mask = mask[:, :length].contiguous()
        self.captions = captions
        self.train_indices = torch.from_numpy(np.asarray(train_indices, dtype=np.int64))
        self.heldout_indices = torch.from_numpy(np.asarray(heldout_indices, dtype=np.int64))
        if len(self.train_indices) == 0:
            raise InvalidRequestError("The dataset has no training images: rebuild it.")

    @classmethod
    def load(cls, dataset_dir: Path | str, size: int) -> TrainingData:
        """Open a dataset folder at ``size`` px with its caption embeddings (computed if stale)."""
        from studio.train.data import load_dataset
        from studio.train.data.embeddings import load_caption_embeddings

        dataset = load_dataset(dataset_dir, size=size)
        embeddings = load_caption_embeddings(dataset_dir)
        return cls(
            np.asarray(dataset.images),
            embeddings.pooled,
            embeddings.tokens,
            embeddings.mask,
            dataset.captions,
            dataset.split_indices("train"),
            dataset.split_indices("heldout"),
            dataset.items,
        )

    @property
    def size(self) -> int:
        return int(self.images.shape[1])

    def batch(self, indices: torch.Tensor, device: torch.device | str = "cpu") -> Batch:
        """The rows ``indices`` as a :class:`Batch` on ``device``."""
        images = straight_uint8_to_model(self.images[indices]).to(device)
        return Batch(indices, images, self.text(indices, device))

    def reference_images(
        self, rows: torch.Tensor, device: torch.device | str = "cpu"
    ) -> torch.Tensor:
        """``(B, 4, S, S)`` model-space images of ``rows``; a row of ``-1`` is an empty sprite."""
        pixels = self.images[rows.clamp(min=0)]  # fancy indexing copies
        pixels[rows < 0] = 0
        return straight_uint8_to_model(pixels).to(device)

    def text(self, indices: torch.Tensor, device: torch.device | str = "cpu") -> TextEmbedding:
        """The cached caption embeddings of rows ``indices`` as float32."""
        return TextEmbedding(
            self.pooled[indices].float().to(device),
            self.tokens[indices].float().to(device),
            self.mask[indices].to(device),
        )

    def sample_indices(self, batch_size: int, generator: torch.Generator) -> torch.Tensor:
        """``batch_size`` training rows drawn uniformly (with replacement) from ``generator``."""
        picks = torch.randint(len(self.train_indices), (batch_size,), generator=generator)
        return self.train_indices[picks]

    def preview_indices(self, count: int) -> torch.Tensor:
        """Rows whose captions label the sample grids: spread over held-out, then training rows."""
        picks = _spread(self.heldout_indices, count)
        if len(picks) < count:
            picks = torch.cat([picks, _spread(self.train_indices, count - len(picks))])
        return picks


def _spread(pool: torch.Tensor, count: int) -> torch.Tensor:
    # Rows are ordered by source; evenly spaced picks show every art style.
    if len(pool) <= count:
        return pool
    return pool[torch.linspace(0, len(pool) - 1, count).round().long()]
