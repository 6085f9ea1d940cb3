"""What an export is asked to do: a sprite sheet or a tile set, captured when the user asks.

Plain frozen data, so the Export Sprite Sheet dialog and ``studio sheet`` / ``studio tileset``
hand the same request to :mod:`studio.ops.export`, which packs and writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.domain.sheet_options import SheetOptions

if TYPE_CHECKING:  # the CLI imports this while building its parser; numpy waits for a run
    import numpy as np


@dataclass(frozen=True)
class ExportImage:
    """One image of an export: its frame name, pixels and where it came from (for recipes).

    The packer takes it as it is (:data:`studio.imaging.sheets.model.SheetFrame`).

    Parameters
    ----------
    name
        Frame name (made safe with ``frame_name`` when packed; duplicates get ``-2``, ``-3``).
    pixels
        ``(H, W, 4)`` ``uint8`` RGBA.
    source
        Where it came from, for the recipes file: ``{"entry_id": 12, "recipe": {...}}`` or
        ``{"file": "knight.png"}``.
    """

    name: str
    pixels: np.ndarray = field(compare=False)
    source: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class AnimationSpec:
    """A named animation over frame names, at ``fps`` frames per second."""

    name: str
    frames: tuple[str, ...]
    fps: float = 8.0


@dataclass(frozen=True)
class LockedPalette:
    """A palette the frames are snapped to before packing (the project's palette lock)."""

    name: str
    colours: tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class SheetExportRequest:
    """A sprite sheet to pack from ``frames`` and write into ``folder`` in ``formats``.

    ``options`` lays the frames out (checked when made); ``palette`` snaps every frame
    first; ``overwrite`` lets the export replace files of an earlier one.
    """

    folder: Path
    frames: tuple[ExportImage, ...]
    formats: tuple[str, ...]
    name: str = "sheet"
    animations: tuple[AnimationSpec, ...] = ()
    options: SheetOptions = field(default_factory=SheetOptions)
    palette: LockedPalette | None = None
    overwrite: bool = False


@dataclass(frozen=True)
class TilesetRequest:
    """A tile set (Tiled .tsx + sample .tmx, Godot 4 .tres) of ``tiles`` written into ``folder``."""

    folder: Path
    tiles: tuple[ExportImage, ...]
    name: str = "tiles"
    columns: int | None = None
    spacing: int = 0
    margin: int = 0
    overwrite: bool = False
