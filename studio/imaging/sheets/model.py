"""What a sprite sheet is made of: frames, animations, options, and the packed result."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from studio.domain.errors import InvalidRequestError
from studio.domain.export_requests import ExportImage

LAYOUTS = ("maxrects", "grid")
SCALES = (1, 2, 4, 8)
DIRECTIONS = ("forward", "reverse", "pingpong", "pingpong_reverse")
MAX_FRAME_NAME = 64
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.\-]+")


def frame_name(text: str) -> str:
    """A frame name every format can hold: letters, digits, ``_ . -``, at most 64 characters.

    libGDX reads a line with ``:`` as a field and CSV, YAML and Godot strings each have their
    own quoting rules; one small alphabet keeps every writer simple and every reader happy.
    """
    cleaned = _UNSAFE_NAME.sub("_", text.strip()).strip("_.")
    return cleaned[:MAX_FRAME_NAME].strip("_.") or "frame"


# One sprite going into a sheet: the export request's image, packed as it is (one class for
# both, so a frame never has to be copied field by field between the request and the packer).
SheetFrame = ExportImage


@dataclass(frozen=True)
class Animation:
    """Frames played in order at ``fps`` frames per second."""

    name: str
    frames: tuple[str, ...]
    fps: float = 8.0
    loop: bool = True
    direction: str = "forward"

    def __post_init__(self) -> None:
        if not self.frames:
            raise InvalidRequestError(f"Animation {self.name!r} has no frames.")
        if not 0 < self.fps <= 240:
            raise InvalidRequestError(
                f"Animation {self.name!r}: fps must be 0-240, not {self.fps}."
            )
        if self.direction not in DIRECTIONS:
            raise InvalidRequestError(
                f"Animation {self.name!r}: direction is one of {', '.join(DIRECTIONS)}."
            )


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


@dataclass(frozen=True)
class PlacedFrame:
    """Where a frame ended up.

    ``x, y, w, h`` is the frame's rectangle on page ``page`` (extrusion not included);
    ``offset_x, offset_y`` is where that rectangle sits inside the untrimmed, scaled sprite of
    ``source_w`` x ``source_h`` (TexturePacker's spriteSourceSize).
    """

    name: str
    index: int
    page: int
    x: int
    y: int
    w: int
    h: int
    offset_x: int
    offset_y: int
    source_w: int
    source_h: int

    @property
    def trimmed(self) -> bool:
        return (self.w, self.h) != (self.source_w, self.source_h)


@dataclass(frozen=True)
class PackedSheet:
    """Pages and frame rectangles, ready for the writers."""

    pages: tuple[np.ndarray, ...] = field(compare=False)
    frames: tuple[PlacedFrame, ...]
    animations: tuple[Animation, ...]
    options: SheetOptions
    sources: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)

    def page_size(self, page: int) -> tuple[int, int]:
        """``(width, height)`` of a page."""
        height, width = self.pages[page].shape[:2]
        return width, height

    def frame(self, name: str) -> PlacedFrame:
        for placed in self.frames:
            if placed.name == name:
                return placed
        raise KeyError(name)
