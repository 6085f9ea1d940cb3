"""What the project hands out besides history entries: undo records of deletions."""

from __future__ import annotations

from dataclasses import dataclass

from studio.domain.history import HistoryEntry


@dataclass(frozen=True)
class StoredImage:
    """An image row exactly as stored: lossless PNG, thumbnail and their facts."""

    id: int
    png: bytes
    thumbnail: bytes
    width: int
    height: int
    sha256: str
    created_at: float


@dataclass(frozen=True)
class DeletedEntry:
    """Everything needed to undo :meth:`ProjectStore.delete_entry` with the same ids.

    Parameters
    ----------
    entry
        The entry as it was.
    recipe_json
        Its recipe exactly as stored (restored byte for byte).
    image
        The image row, when no other entry used it and it was deleted too; ``None`` when it
        stayed in the project.
    """

    entry: HistoryEntry
    recipe_json: str
    image: StoredImage | None = None
