"""What a sprite sheet is made of: frames, animations and the packed result (laid out by
:class:`studio.domain.sheet_options.SheetOptions`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from studio.domain.errors import InvalidRequestError
from studio.domain.export_requests import ExportImage
from studio.domain.sheet_options import SheetOptions

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
