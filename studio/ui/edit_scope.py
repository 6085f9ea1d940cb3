"""Edit state per history entry: the mask and the tiling belong to the image they were made on.

The canvas has one mask layer and the window one pair of Tile X / Y toggles, so without a
scope a mask painted on one image (or the wrap-edge mask and tiling of Make Seamless) stayed
on for the next image picked. :class:`EditScope` keeps each entry's state while another is
shown and gives an entry seen for the first time its own defaults: no mask, tiling as its
recipe was made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QImage


@dataclass(frozen=True)
class EditState:
    """The canvas edits of one image.

    Parameters
    ----------
    mask
        The painted mask (``None`` when nothing is painted).
    tile_x, tile_y
        Whether Generate from this image makes wrapping results.
    """

    mask: QImage | None = None
    tile_x: bool = False
    tile_y: bool = False


def recipe_tiling(recipe: Any) -> tuple[bool, bool]:
    """``(tile_x, tile_y)`` a history recipe was generated with; off when it says nothing."""
    request = recipe.get("request") if isinstance(recipe, dict) else None
    if not isinstance(request, dict):
        return False, False
    return request.get("tile_x") is True, request.get("tile_y") is True


class EditScope:
    """Remembers the edit state of every entry left this session (0: the empty canvas)."""

    def __init__(self) -> None:
        self._states: dict[int, EditState] = {}

    def keep(self, entry_id: int, state: EditState) -> None:
        """Remember ``state`` as the edits of ``entry_id`` (the canvas moves elsewhere)."""
        self._states[entry_id] = state

    def state_for(self, entry_id: int, recipe: Any) -> EditState:
        """The edits to show with ``entry_id``: kept ones, else defaults from its recipe."""
        kept = self._states.get(entry_id)
        if kept is not None:
            return kept
        tile_x, tile_y = recipe_tiling(recipe)
        return EditState(None, tile_x, tile_y)

    def clear(self) -> None:
        """Forget everything (another project is open: its ids mean other images)."""
        self._states.clear()
