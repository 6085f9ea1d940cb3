"""Training pairs of a retrieval-augmented model: each image with a reference of its concept.

At sampling time the reference is a bank icon the prompt retrieved: of the right object, but
generally not in the asked colour or style, and often from another art source. Training pairs
must look the same, or the model learns to copy the reference: so an image's reference is
another bank icon of its concept where there is one (another source's drawing of the same
emoji), and the original icon for its recoloured, hue-shifted and pixelated copies (the model
learns that the caption, not the reference, decides colour and style). Only an icon that is the
sole one of its concept is its own reference.

A share of references is left empty (a transparent sprite), so the model still draws something
for a prompt the bank has nothing close to.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from studio.train.data.bank_rows import rows_by_concept


class ReferencePicker:
    """For dataset rows, the rows of their references (``-1``: no reference).

    Parameters
    ----------
    items
        The dataset's items, in row order.
    empty_share
        Share of picks left without a reference.
    """

    def __init__(self, items: Sequence[dict[str, Any]], empty_share: float = 0.1) -> None:
        self.empty_share = empty_share
        groups = rows_by_concept(items)
        # One candidate table per row: the bank rows of its concept, itself excluded when the
        # concept has others (an original must not learn to copy itself).
        self._candidates: list[list[int]] = []
        for row, item in enumerate(items):
            rows = groups.get(item["concept"], [])
            others = [other for other in rows if other != row]
            self._candidates.append(others or rows)

    def pick(self, rows: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """One reference row per row of ``rows`` (int64; ``-1`` where there is none)."""
        draws = torch.rand(len(rows), generator=generator).tolist()
        empties = torch.rand(len(rows), generator=generator).tolist()
        picks = []
        for row, draw, empty in zip(rows.tolist(), draws, empties, strict=True):
            candidates = self._candidates[row]
            if not candidates or empty < self.empty_share:
                picks.append(-1)
            else:
                picks.append(candidates[min(len(candidates) - 1, int(draw * len(candidates)))])
        return torch.tensor(picks, dtype=torch.int64)

    def coverage(self) -> float:
        """Share of rows that have a reference other than themselves."""
        own = sum(1 for row, c in enumerate(self._candidates) if c and c != [row])
        return own / max(1, len(self._candidates))
