"""Committing a finished result to a project under the project's rules.

The one path every face takes to put an image into a ``.studio`` file: the window's Document,
``studio generate --project`` and a batch whose output is a project. The rules live here, once:
a project locked to a palette gets every new result snapped to it (the recipe says which
palette and how many pixels moved), whoever made the result.
"""

from __future__ import annotations

from studio.domain.history import HistoryEntry
from studio.domain.results import GeneratedImage
from studio.imaging.palettes.lock import lock_result
from studio.imaging.result import EncodedResult, encode_result
from studio.project.palette_lock import load_palette_lock
from studio.project.store import ProjectStore


def commit_result(store: ProjectStore, result: EncodedResult) -> HistoryEntry:
    """Store ``result`` in ``store`` under the project's rules; returns the new history entry.

    See :func:`commit_shown`, which also returns the image as stored.
    """
    return commit_shown(store, result)[0]


def commit_shown(store: ProjectStore, result: EncodedResult) -> tuple[HistoryEntry, GeneratedImage]:
    """Store ``result`` under the project's rules; returns the entry and the image as stored,
    so a face can show the stored pixels without reading them back from the project.

    With a locked palette the image is snapped to it first and encoded again, since its pixels
    changed; an image already on the palette is stored as it came. The image and its history
    row go in one transaction.

    Parameters
    ----------
    store
        The open, writable project.
    result
        The finished image, encoded where it was made (PNG with recipe, thumbnail).

    Returns
    -------
    tuple of HistoryEntry and GeneratedImage
        The entry the project now holds, and its image (snapped when the palette is locked).

    Raises
    ------
    ProjectError
        If the project is read-only or the write failed (nothing is then stored).
    """
    palette = load_palette_lock(store)
    if palette is not None:
        locked = lock_result(result.image, palette)
        if locked is not result.image:
            result = encode_result(locked)
    entry = store.add_image_entry(
        result.kind,
        result.png,
        result.thumbnail,
        result.image.width,
        result.image.height,
        result.history_text,
        result.recipe_json,
    )
    return entry, result.image
