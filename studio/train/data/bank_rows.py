"""Which dataset images a retrieval bank holds, and the concept each one shows.

The bank is the memory a retrieval-augmented model draws shapes from: one image per icon of
the art sources whose pictures read as objects (the Fluent 3D and flat emoji, the Noto emoji and
game-icons.net's silhouettes). Augmented copies (recoloured, hue-shifted, pixelated) are left
out: they repeat a shape the bank already holds. pixelarticons' line icons are left out too:
at 32 px an outline of one pixel says little about an object's shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

BANK_SOURCES = ("fluent3d", "fluentflat", "noto", "gameicons")
AUGMENTED_KEY_MARK = "#"  # the dataset's keys of augmented copies: "fluent3d:1f34e#hue120"


def is_bank_item(item: dict[str, Any]) -> bool:
    """Whether a dataset item belongs in the bank (an original icon of a bank source)."""
    return item["source"] in BANK_SOURCES and AUGMENTED_KEY_MARK not in item["key"]


def bank_rows(items: Sequence[dict[str, Any]]) -> list[int]:
    """Rows of ``items`` that go into the bank, in dataset order."""
    return [row for row, item in enumerate(items) if is_bank_item(item)]


def rows_by_concept(items: Sequence[dict[str, Any]]) -> dict[str, list[int]]:
    """Bank rows grouped by the concept they show (``"health potion"``, ``"dragon"``)."""
    groups: dict[str, list[int]] = {}
    for row in bank_rows(items):
        groups.setdefault(items[row]["concept"], []).append(row)
    return groups
