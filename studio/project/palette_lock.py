"""The palette a project is locked to, kept in the project file's state table.

A locked palette follows the project file (not the user's settings): whoever opens the game's
project gets its palette, and every new result and export is snapped to it.
"""

from __future__ import annotations

from studio.domain.errors import InvalidRequestError
from studio.imaging.palettes import Palette
from studio.project.store import ProjectStore

PALETTE_LOCK_KEY = "palette_lock"


def load_palette_lock(store: ProjectStore) -> Palette | None:
    """The locked palette, or ``None`` when there is none or the stored one is unreadable."""
    state = store.get_state(PALETTE_LOCK_KEY)
    if not state or not state.get("colours"):
        return None
    try:
        return Palette.from_hex(str(state.get("name", "locked")), " ".join(state["colours"]))
    except (InvalidRequestError, ValueError, TypeError):
        return None


def save_palette_lock(store: ProjectStore, palette: Palette | None) -> None:
    """Lock the project to ``palette``; ``None`` unlocks it."""
    if palette is None:
        store.set_state(PALETTE_LOCK_KEY, {})
        return
    store.set_state(PALETTE_LOCK_KEY, {"name": palette.name, "colours": palette.hex_colours()})
