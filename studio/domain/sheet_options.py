"""How frames are laid out on a sprite sheet: one options class for the dialog, CLI and packer.

A :class:`~studio.domain.export_requests.SheetExportRequest` holds one, and
:func:`studio.imaging.sheets.pack_sheet` packs by it; checked when made.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.domain.errors import InvalidRequestError

LAYOUTS = ("maxrects", "grid")
SCALES = (1, 2, 4, 8)


@dataclass(frozen=True)
class SheetOptions:
    """How frames are laid out on the sheet.

    Parameters
    ----------
    layout
        ``"maxrects"`` (rectpack's MaxRects, tight) or ``"grid"`` (fixed cells, untrimmed).
    grid
        ``(columns, rows)`` for the grid layout; ``None`` picks a near-square grid.
    padding
        Transparent pixels between frames.
    extrude
        Edge pixels repeated around each frame (stops filtering from sampling neighbours).
    trim
        Cut away fully transparent borders (``spriteSourceSize`` says where the rest was).
    pot
        Round page sizes up to powers of two.
    max_size
        Largest page side; frames that do not fit go on more pages.
    scale
        1, 2, 4 or 8: every frame enlarged with nearest neighbour before packing.
    pixel_art
        Nearest filtering in the engines (Unity filterMode 0, libGDX Nearest).
    """

    layout: str = "maxrects"
    grid: tuple[int, int] | None = None
    padding: int = 1
    extrude: int = 0
    trim: bool = False
    pot: bool = False
    max_size: int = 4096
    scale: int = 1
    pixel_art: bool = True

    def __post_init__(self) -> None:
        if self.layout not in LAYOUTS:
            raise InvalidRequestError(f"Layout {self.layout!r} is not one of {', '.join(LAYOUTS)}.")
        if self.scale not in SCALES:
            raise InvalidRequestError(f"Scale {self.scale} must be 1, 2, 4 or 8.")
        if not 0 <= self.padding <= 64 or not 0 <= self.extrude <= 16:
            raise InvalidRequestError("Padding must be 0-64 and extrude 0-16 pixels.")
        if not 16 <= self.max_size <= 16384:
            raise InvalidRequestError(f"Max size {self.max_size} must be 16-16384 pixels.")
        if self.grid is not None and (self.grid[0] < 1 or self.grid[1] < 1):
            raise InvalidRequestError("A grid needs at least one column and one row.")
