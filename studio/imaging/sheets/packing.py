"""Placing frames on pages: rectpack's MaxRects, or a fixed grid.

rectpack does the packing (no hand-written packer). We only choose the page: the smallest
square page (in steps of 16 px, or powers of two) that holds every frame, and when even
``max_size`` is too small, as many ``max_size`` pages as rectpack needs.

Every rectpack algorithm is quadratic or worse in the number of rectangles, so the work is
bounded twice: the page side is found by bisection (a dozen packs at most, not one per 16 px
step), and sheets of many frames use rectpack's Guillotine packer, whose constant is far
smaller than MaxRects' (measured on 512 mixed frames: MaxRects 3.7 s, Guillotine 0.12 s a pack;
1024 frames: 0.8 s).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import rectpack

from studio.domain.errors import InvalidRequestError

_PAGE_STEP = 16
# Up to this many frames MaxRects (the tightest) costs well under a second for all the packs.
_MAXRECTS_FRAMES = 128


@dataclass(frozen=True)
class Slot:
    """A rectangle rectpack placed: ``index`` of the frame, its page and top-left corner."""

    index: int
    page: int
    x: int
    y: int


def pack_rectangles(sizes: list[tuple[int, int]], max_size: int, pot: bool) -> list[Slot]:
    """Place ``(w, h)`` boxes (padding included) with MaxRects, on as few pages as needed.

    Raises
    ------
    InvalidRequestError
        If one box is larger than a page.
    """
    for index, (width, height) in enumerate(sizes):
        if width > max_size or height > max_size:
            raise InvalidRequestError(
                f"Frame {index + 1} ({width}x{height} with padding) does not fit on a "
                f"{max_size}x{max_size} page: raise the max size or lower the scale or the padding."
            )
    slots = _smallest_page(sizes, _page_sides(sizes, max_size, pot))
    return slots if slots is not None else rectpack_slots(sizes, max_size, pages=len(sizes))


def grid_slots(count: int, cell: tuple[int, int], grid: tuple[int, int] | None, max_size: int):
    """Slots of a fixed grid, row by row, with a new page when a page's grid is full.

    Returns
    -------
    tuple
        The slots and the ``(columns, rows)`` of a full page.
    """
    cell_w, cell_h = cell
    if cell_w > max_size or cell_h > max_size:
        raise InvalidRequestError(f"A {cell_w}x{cell_h} grid cell does not fit a {max_size} page.")
    if grid is None:
        columns = max(1, min(math.ceil(math.sqrt(count)), max_size // cell_w))
        rows = max(1, min(math.ceil(count / columns), max_size // cell_h))
    else:
        columns, rows = grid
        if columns * cell_w > max_size or rows * cell_h > max_size:
            raise InvalidRequestError(
                f"A {columns}x{rows} grid of {cell_w}x{cell_h} cells is larger than {max_size} px."
            )
    per_page = columns * rows
    slots = [
        Slot(
            i, i // per_page, (i % per_page % columns) * cell_w, (i % per_page // columns) * cell_h
        )
        for i in range(count)
    ]
    return slots, (columns, rows)


def page_side(length: int, pot: bool) -> int:
    """A page side at least ``length``: the next power of two, or the length itself."""
    return 1 << max(0, (length - 1).bit_length()) if pot else max(1, length)


def _page_sides(sizes: list[tuple[int, int]], max_size: int, pot: bool) -> list[int]:
    area = sum(w * h for w, h in sizes)
    start = max(max(max(w, h) for w, h in sizes), math.isqrt(area))
    if pot:
        sides, side = [], page_side(start, True)
        while side <= max_size:
            sides.append(side)
            side *= 2
        return sides
    first = math.ceil(start / _PAGE_STEP) * _PAGE_STEP
    return list(range(min(first, max_size), max_size + 1, _PAGE_STEP)) or [max_size]


def _smallest_page(sizes: list[tuple[int, int]], sides: list[int]) -> list[Slot] | None:
    """The slots on the smallest side that holds every box on one page, by bisection.

    The first probe is a side about 10 % above the boxes' area, where packers usually
    succeed, so most sheets take three or four packs. ``None`` if even the largest fails.
    """
    count = len(sizes)
    area = sum(w * h for w, h in sizes)
    estimate = math.isqrt(area) * 11 // 10
    low, high = 0, len(sides) - 1
    probe = min(range(len(sides)), key=lambda i: abs(sides[i] - estimate))
    best = None
    while low <= high:
        slots = rectpack_slots(sizes, sides[probe], pages=1)
        if len(slots) == count:
            best, high = slots, probe - 1
        else:
            low = probe + 1
        probe = (low + high) // 2
    return best


def rectpack_slots(sizes: Sequence[tuple[int, int]], side: int, pages: int) -> list[Slot]:
    """rectpack's placement of ``sizes`` on up to ``pages`` square pages; a box that does not
    fit is left out."""
    # Offline mode sorts by area first (the best results); no rotation, since only some
    # engines' formats can say a frame is rotated.
    algorithm = (
        rectpack.MaxRectsBssf if len(sizes) <= _MAXRECTS_FRAMES else rectpack.GuillotineBssfSas
    )
    packer = rectpack.newPacker(
        mode=rectpack.PackingMode.Offline,
        pack_algo=algorithm,
        sort_algo=rectpack.SORT_AREA,
        rotation=False,
    )
    for index, (width, height) in enumerate(sizes):
        packer.add_rect(width, height, rid=index)
    packer.add_bin(side, side, count=pages)
    packer.pack()
    slots = [Slot(rid, page, x, y) for page, x, y, _w, _h, rid in packer.rect_list()]
    return sorted(slots, key=lambda slot: slot.index)
