"""From frames to a :class:`PackedSheet`: scale, trim, place, draw the pages."""

from __future__ import annotations

import numpy as np

from studio.domain.errors import InvalidRequestError
from studio.domain.sheet_options import SheetOptions
from studio.imaging.output_size import check_output_pixels, check_output_size
from studio.imaging.pixels import ensure_rgba, upscale_nearest
from studio.imaging.sheets.model import (
    Animation,
    PackedSheet,
    PlacedFrame,
    SheetFrame,
    frame_name,
)
from studio.imaging.sheets.packing import grid_slots, pack_rectangles, page_side
from studio.imaging.sheets.paging import animation_groups, pack_by_group, spans_pages
from studio.imaging.sheets.trim import opaque_bounds

# Packing is quadratic in the frame count (rectpack); 1024 mixed frames pack in seconds.
MAX_FRAMES = 1024
_LOWER = "the scale, the padding or the number of frames"


def unique_frame_names(names: list[str]) -> list[str]:
    """Safe names (see :func:`frame_name`), with ``-2``, ``-3`` ... added to repeats."""
    seen: dict[str, int] = {}
    result = []
    for name in names:
        base = frame_name(name)
        candidate, number = base, 1
        while candidate in seen:
            number += 1
            candidate = f"{base}-{number}"
        seen[candidate] = 1
        result.append(candidate)
    return result


def pack_sheet(
    frames: list[SheetFrame], animations: list[Animation], options: SheetOptions
) -> PackedSheet:
    """Lay frames out on one or more pages.

    Every size is planned from the frames as given: each scaled frame and then each page is
    checked against :func:`~studio.imaging.output_size.check_output_size` before a single
    pixel is enlarged or drawn, so ``--scale 8`` on large frames is one line, not gigabytes.

    Parameters
    ----------
    frames
        Sprites in frame order; names are made safe and unique here.
    animations
        Each refers to frames by (safe) name.
    options
        Layout, padding, trim and the rest.

    Raises
    ------
    InvalidRequestError
        No frames, too many frames, an animation naming a missing frame, a frame larger
        than a page, or a frame or page larger than any image Studio makes.
    """
    if not frames:
        raise InvalidRequestError("A sheet needs at least one frame.")
    if len(frames) > MAX_FRAMES:
        raise InvalidRequestError(f"A sheet holds at most {MAX_FRAMES} frames, not {len(frames)}.")
    names = unique_frame_names([frame.name for frame in frames])
    known = set(names)
    for animation in animations:
        missing = [name for name in animation.frames if name not in known]
        if missing:
            raise InvalidRequestError(
                f"Animation {animation.name!r} names frames that are not in the sheet: "
                f"{', '.join(missing[:5])}."
            )
    scale = options.scale
    sprites = [ensure_rgba(frame.pixels) for frame in frames]  # at their own size
    for number, sprite in enumerate(sprites, start=1):
        height, width = sprite.shape[:2]
        check_output_size(
            width * scale, height * scale, what=f"Frame {number} at scale {scale}", lower=_LOWER
        )
    trim = options.trim and options.layout == "maxrects"
    # Trimming the small sprite and scaling the box gives the box of the scaled sprite.
    boxes = [
        tuple(v * scale for v in (opaque_bounds(s) if trim else (0, 0, s.shape[1], s.shape[0])))
        for s in sprites
    ]
    margin = 2 * options.extrude + options.padding
    if options.layout == "grid":
        cell = (
            max(s.shape[1] for s in sprites) * scale + margin,
            max(s.shape[0] for s in sprites) * scale + margin,
        )
        slots, (columns, rows) = grid_slots(
            len(sprites), cell, options.grid, options.max_size + options.padding
        )
        # A grid page is the whole grid, so grid slicers in the engines line up.
        grid_page = (columns * cell[0] - options.padding, rows * cell[1] - options.padding)
    else:
        grid_page = None
        sizes = [(w + margin, h + margin) for _x, _y, w, h in boxes]
        # The last column and row need no padding after them: the page may be that much larger.
        side = options.max_size + options.padding
        slots = pack_rectangles(sizes, side, options.pot)
        if any(slot.page for slot in slots):  # several pages: keep animations on one
            index = {name: number for number, name in enumerate(names)}
            groups = animation_groups(
                sizes, [[index[n] for n in a.frames] for a in animations], side
            )
            if spans_pages(slots, groups):
                slots = pack_by_group(sizes, groups, side)
    placed = []
    for slot, name, sprite, (bx, by, bw, bh) in zip(slots, names, sprites, boxes, strict=True):
        placed.append(
            PlacedFrame(
                name=name,
                index=slot.index,
                page=slot.page,
                x=slot.x + options.extrude,
                y=slot.y + options.extrude,
                w=bw,
                h=bh,
                offset_x=bx,
                offset_y=by,
                source_w=sprite.shape[1] * scale,
                source_h=sprite.shape[0] * scale,
            )
        )
    sizes_of_pages = _page_sizes(placed, options, grid_page)
    for page, (width, height) in enumerate(sizes_of_pages, start=1):
        check_output_size(width, height, what=f"Page {page} of the sheet", lower=_LOWER)
    check_output_pixels(
        sum(width * height for width, height in sizes_of_pages),
        what=f"The sheet's {len(sizes_of_pages)} pages",
        lower=_LOWER,
    )
    pages = _draw_pages(placed, sprites, options, sizes_of_pages)
    sources = {name: frame.source for name, frame in zip(names, frames, strict=True)}
    return PackedSheet(tuple(pages), tuple(placed), tuple(animations), options, sources)


def _page_sizes(
    placed: list[PlacedFrame], options: SheetOptions, grid_page: tuple[int, int] | None
) -> list[tuple[int, int]]:
    """``(width, height)`` of every page, from the frame rectangles alone."""
    page_count = max(frame.page for frame in placed) + 1
    sizes = []
    for page in range(page_count):
        on_page = [f for f in placed if f.page == page]
        width = max(f.x + f.w + options.extrude for f in on_page)
        height = max(f.y + f.h + options.extrude for f in on_page)
        if grid_page is not None:
            width, height = max(width, grid_page[0]), max(height, grid_page[1])
        if options.pot:
            width, height = page_side(width, True), page_side(height, True)
        sizes.append((width, height))
    return sizes


def _draw_pages(
    placed: list[PlacedFrame],
    sprites: list[np.ndarray],
    options: SheetOptions,
    sizes: list[tuple[int, int]],
) -> list[np.ndarray]:
    """The page images; each frame is cut from its unscaled sprite and enlarged on its own."""
    scale, extrude = options.scale, options.extrude
    pages = [np.zeros((height, width, 4), dtype=np.uint8) for width, height in sizes]
    for frame in placed:
        sprite = sprites[frame.index]
        top, left = frame.offset_y // scale, frame.offset_x // scale
        part = sprite[top : top + frame.h // scale, left : left + frame.w // scale]
        part = upscale_nearest(part, scale)
        if extrude:
            part = np.pad(part, ((extrude, extrude), (extrude, extrude), (0, 0)), mode="edge")
        y, x = frame.y - extrude, frame.x - extrude
        pages[frame.page][y : y + part.shape[0], x : x + part.shape[1]] = part
    return pages
