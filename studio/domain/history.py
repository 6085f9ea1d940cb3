"""History entries: one per image the user made, newest first in the UI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class HistoryEntry:
    """A row of the history panel, backed by an image in the project file.

    Parameters
    ----------
    id
        Project-wide identifier, stable across save and reopen.
    image_id
        The lossless image this entry shows.
    kind
        ``"generate"``, ``"style"`` or ``"import"``.
    recipe
        The full request as a JSON-able dict, plus what the engine recorded (model, seed...).
    """

    id: int
    image_id: int
    kind: str
    created_at: float
    prompt: str
    width: int
    height: int
    recipe: dict[str, Any] = field(default_factory=dict, compare=False)
