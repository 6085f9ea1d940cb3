"""The kinds of job the worker runs, one name each (history entries and recipes store them)."""

from __future__ import annotations

from enum import StrEnum


class JobKind(StrEnum):
    """What a job request makes; its value is the ``kind`` stored with each result.

    A ``StrEnum`` so that kinds stored as text by older versions (``"generate"``) compare equal
    and JSON and SQLite store the plain value.
    """

    GENERATE = "generate"
    STYLE = "style"
    # Edits on the CPU lane (studio.imaging.edits); "tile" is what Make Seamless stores.
    PIXELATE = "pixelate"
    MATTE = "matte"
    TILE = "tile"
    # A model upscaler (GPU lane) or nearest neighbour (studio.engine.upscale).
    UPSCALE = "upscale"
    # A sprite sheet written to a folder (studio.ops.export): files, never a history image.
    SHEET = "sheet"
    # A tile set for Tiled and Godot written to a folder (studio.ops.export), likewise.
    TILESET = "tileset"
