"""libGDX ``.atlas`` (TexturePacker's libGDX text format), every page in one file.

Pages are separated by a blank line. ``offset`` is measured from the bottom-left corner of the
untrimmed sprite (libGDX's ``offsetY``), so ``offset.y = orig_h - h - top``. Each frame is a
region under its own name with ``index: -1``; each animation adds regions named after it with
``index`` 0, 1, 2 ..., which is what ``atlas.findRegions("walk")`` returns in order.
"""

from __future__ import annotations

from studio.imaging.sheets.model import PackedSheet, PlacedFrame
from studio.imaging.sheets.writers.common import frames_on_page, page_image_name


def libgdx_atlas(sheet: PackedSheet, base: str) -> bytes:
    """The text of ``base.atlas``."""
    count = len(sheet.pages)
    filter_name = "Nearest" if sheet.options.pixel_art else "Linear"
    lines: list[str] = []
    for page in range(count):
        width, height = sheet.page_size(page)
        lines += [
            "",
            page_image_name(base, page, count),
            f"size: {width},{height}",
            "format: RGBA8888",
            f"filter: {filter_name},{filter_name}",
            "repeat: none",
        ]
        for frame in frames_on_page(sheet, page):
            lines += _region(frame.name, frame, -1)
        for animation in sheet.animations:
            for position, name in enumerate(animation.frames):
                frame = sheet.frame(name)
                if frame.page == page:
                    lines += _region(animation.name, frame, position)
    return ("\n".join(lines) + "\n").encode("utf-8")


def libgdx_offset_y(frame: PlacedFrame) -> int:
    """The trimmed rectangle's distance from the untrimmed sprite's bottom edge."""
    return frame.source_h - frame.h - frame.offset_y


def _region(name: str, frame: PlacedFrame, index: int) -> list[str]:
    return [
        name,
        "  rotate: false",
        f"  xy: {frame.x}, {frame.y}",
        f"  size: {frame.w}, {frame.h}",
        f"  orig: {frame.source_w}, {frame.source_h}",
        f"  offset: {frame.offset_x}, {libgdx_offset_y(frame)}",
        f"  index: {index}",
    ]
