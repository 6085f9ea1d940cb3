"""Text fidelity as retrieval: does the scorer pick an image's own prompt out of K captions?

Each image is shown its own caption and K-1 other held-out captions of *other* concepts
(a "waving hand, dark skin tone" image is not asked to tell itself from "waving hand, light
skin tone"), drawn with a seeded generator so every model faces the very same candidates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT_CANDIDATES = 32


@dataclass(frozen=True)
class Retrieval:
    """Top-1 and top-5 accuracy over ``count`` images with ``candidates`` captions each."""

    top1: float
    top5: float
    candidates: int
    count: int

    @property
    def chance_top1(self) -> float:
        return 1.0 / self.candidates if self.candidates else 0.0


def candidate_sets(
    true_rows: Sequence[int],
    concepts: Sequence[str],
    captions: Sequence[str],
    k: int = DEFAULT_CANDIDATES,
    seed: int = 0,
) -> np.ndarray:
    """``(N, K)`` rows into the caption pool; column 0 is each image's own caption.

    Parameters
    ----------
    true_rows
        For each evaluated image, the pool row of its prompt.
    concepts, captions
        The pool: concept and caption of each row.
    k
        Wanted candidates per image; fewer if the pool has fewer distinct other concepts.
    """
    rng = np.random.default_rng(seed)
    by_caption: dict[str, int] = {}
    for row, caption in enumerate(captions):
        by_caption.setdefault(caption, row)  # one row per distinct caption
    unique_rows = np.array(sorted(by_caption.values()), dtype=np.int64)
    unique_concepts = np.array([concepts[r] for r in unique_rows])
    others = [unique_rows[unique_concepts != concepts[row]] for row in true_rows]
    width = min([k, *(len(o) + 1 for o in others)]) if others else k
    out = np.zeros((len(true_rows), width), dtype=np.int64)
    for i, (row, pool) in enumerate(zip(true_rows, others, strict=True)):
        out[i, 0] = row
        out[i, 1:] = rng.choice(pool, size=width - 1, replace=False)
    return out


def retrieval_accuracy(image_vectors: np.ndarray, text_vectors: np.ndarray, sets: np.ndarray):
    """Accuracy of ranking column 0 of ``sets`` first (top-1) or among the first five (top-5).

    Parameters
    ----------
    image_vectors
        ``(N, D)`` unit vectors of the evaluated images.
    text_vectors
        ``(P, D)`` unit vectors of the caption pool.
    sets
        ``(N, K)`` from :func:`candidate_sets`.
    """
    scores = np.einsum("nd,nkd->nk", image_vectors, text_vectors[sets])
    # Rank = candidates scoring at least as high: ties count against the true caption, so a
    # scorer that gives every caption the same score gets zero, not a lucky first place.
    rank = (scores[:, 1:] >= scores[:, :1]).sum(axis=1)
    return Retrieval(
        top1=float((rank == 0).mean()) if len(rank) else 0.0,
        top5=float((rank < 5).mean()) if len(rank) else 0.0,
        candidates=int(sets.shape[1]),
        count=len(rank),
    )
