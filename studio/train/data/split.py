"""The held-out split, chosen by concept so that no held-out idea is seen in training.

A concept (``"red heart"``) is held out when a salted SHA-256 of its name falls below the
fraction: the choice depends only on the concept's own name, so adding or removing sources, or
building with ``--limit``, never moves another concept between the splits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

HELDOUT_FRACTION = 0.05
SPLIT_SALT = "studio-heldout-v1"


def concept_score(concept: str, salt: str = SPLIT_SALT) -> float:
    """A stable number in [0, 1) for ``concept``."""
    digest = hashlib.sha256(f"{salt}:{concept}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def heldout_concepts(
    concepts: Iterable[str], fraction: float = HELDOUT_FRACTION, salt: str = SPLIT_SALT
) -> frozenset[str]:
    """The concepts that go to the held-out split.

    When no concept's score falls below ``fraction`` but there are at least two concepts, the
    one with the lowest score is held out, so small datasets still get a held-out split.
    """
    unique = sorted(set(concepts))
    chosen = {c for c in unique if concept_score(c, salt) < fraction}
    if not chosen and len(unique) >= 2 and fraction > 0:
        chosen = {min(unique, key=lambda c: concept_score(c, salt))}
    return frozenset(chosen)


def assign_splits(items: list[dict], fraction: float = HELDOUT_FRACTION) -> None:
    """Set ``item["split"]`` to ``"heldout"`` or ``"train"`` from each item's concept."""
    held = heldout_concepts((item["concept"] for item in items), fraction)
    for item in items:
        item["split"] = "heldout" if item["concept"] in held else "train"
