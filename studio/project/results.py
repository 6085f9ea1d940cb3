"""Committing a finished result to the project: the one path for the window and the CLI."""

from __future__ import annotations

from studio.domain.history import HistoryEntry
from studio.imaging.result import EncodedResult
from studio.project.store import ProjectStore


def commit_result(store: ProjectStore, result: EncodedResult) -> HistoryEntry:
    """Store ``result``'s image and history row in one transaction; returns the new entry.

    Raises
    ------
    ProjectError
        If the project is read-only or the write failed (nothing is then stored).
    """
    return store.add_image_entry(
        result.kind,
        result.png,
        result.thumbnail,
        result.image.width,
        result.image.height,
        result.history_text,
        result.recipe_json,
    )
