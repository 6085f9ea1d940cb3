"""What a new history entry is checked and shaped into before the project writes anything.

:meth:`studio.project.store.ProjectStore.add_image_entry` refuses bad input here, outside its
transaction, so a refused image leaves the project file exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass
from typing import Any

from studio.domain.history import HistoryEntry
from studio.imaging.png import is_png
from studio.project.records import StoredImage

_SURROGATES = re.compile("[\ud800-\udfff]")
# JSON text stored as it is, or a JSON-able dict
RecipeData = dict[str, Any] | str


@dataclass(frozen=True)
class NewEntry:
    """A checked entry ready to store: its image row, its history row and its recipe."""

    image: StoredImage
    entry: HistoryEntry
    recipe_json: str
    recipe: Any


def checked_entry(
    kind: str, png: bytes, thumb: bytes, width: int, height: int, prompt: str, recipe: RecipeData
) -> NewEntry:
    """The rows for a new entry (ids still 0), after checking what would break them.

    Parameters are those of :meth:`~studio.project.store.ProjectStore.add_image_entry`.

    Raises
    ------
    ValueError
        If ``png`` is not PNG data, the size is not positive or ``recipe`` is not JSON.
    """
    if not is_png(bytes(png[:8])):
        raise ValueError("history images must be PNG bytes (lossless)")
    if width <= 0 or height <= 0:
        raise ValueError(f"image size must be positive, not {width}x{height}")
    now = time.time()
    digest = hashlib.sha256(png).hexdigest()
    # Lone surrogates cannot be stored as SQLite text; the exact prompt stays in the
    # recipe, whose ASCII-only JSON keeps it.
    entry = HistoryEntry(0, 0, kind, now, _SURROGATES.sub("\ufffd", prompt), width, height)
    recipe_json = recipe if isinstance(recipe, str) else json.dumps(recipe, default=str)
    recipe_data = json.loads(recipe_json)  # refuse text that is not JSON before writing
    image = StoredImage(0, bytes(png), bytes(thumb), width, height, digest, now)
    return NewEntry(image, entry, recipe_json, recipe_data)
