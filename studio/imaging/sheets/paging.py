"""Keeping each animation on one page when a sheet needs several pages.

Phaser's ``load.atlas`` and ``load.aseprite`` and PixiJS's Spritesheet read one page per file,
so an animation whose frames land on two pages cannot be played from any of them. rectpack
chooses pages by area alone; here animations (frames joined by sharing an animation) are
placed first, each on the first page it fits on beside what is there, and the other frames
fill the pages after them. rectpack still places every rectangle; this only chooses pages.
An animation larger than a page is split as before (the export then says so).
"""

from __future__ import annotations

from collections.abc import Sequence

from studio.imaging.sheets.packing import Slot, rectpack_slots

Size = tuple[int, int]


def animation_groups(
    sizes: Sequence[Size], animations: Sequence[Sequence[int]], side: int
) -> list[list[int]]:
    """Frames that must share a page: the frames of animations with a frame in common join.

    An animation whose frames do not fit one page can never sit on one; it joins no group, so
    it does not drag the animations it shares frames with across pages.
    """
    parent = list(range(len(sizes)))
    animations = [
        frames for frames in animations if _pack_one(sizes, sorted(set(frames)), side) is not None
    ]

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for frames in animations:
        for index in frames[1:]:
            parent[root(index)] = root(frames[0])
    members: dict[int, list[int]] = {}
    animated = {index for frames in animations for index in frames}
    for index in sorted(animated):
        members.setdefault(root(index), []).append(index)
    return list(members.values())


def spans_pages(slots: Sequence[Slot], groups: Sequence[Sequence[int]]) -> bool:
    """Whether a group's frames sit on more than one page."""
    page = {slot.index: slot.page for slot in slots}
    return any(len({page[index] for index in group}) > 1 for group in groups)


def pack_by_group(sizes: Sequence[Size], groups: Sequence[Sequence[int]], side: int) -> list[Slot]:
    """Slots on ``side`` x ``side`` pages, every group that fits a page on a single page."""
    pages: list[list[int]] = []
    placed: list[list[Slot]] = []  # the last successful pack of each page
    split: list[int] = []
    area = {id(g): sum(sizes[i][0] * sizes[i][1] for i in g) for g in groups}
    for group in sorted(groups, key=lambda g: area[id(g)], reverse=True):
        for number, members in enumerate(pages):
            slots = _pack_one(sizes, members + list(group), side)
            if slots is not None:
                pages[number], placed[number] = members + list(group), slots
                break
        else:
            slots = _pack_one(sizes, list(group), side)
            if slots is None:
                split += group  # larger than a page: it spans pages whatever we do
            else:
                pages.append(list(group))
                placed.append(slots)
    grouped = {index for group in groups for index in group}
    rest = [index for index in range(len(sizes)) if index not in grouped] + split
    for number, members in enumerate(pages):
        if not rest:
            break
        slots = _pack_one(sizes, members + rest, side, keep=len(members))
        if slots is not None:
            taken = {slot.index for slot in slots}
            pages[number], placed[number] = members + [i for i in rest if i in taken], slots
            rest = [index for index in rest if index not in taken]
    result = [Slot(s.index, number, s.x, s.y) for number, slots in enumerate(placed) for s in slots]
    if rest:
        extra = rectpack_slots([sizes[i] for i in rest], side, pages=len(rest))
        result += [Slot(rest[s.index], len(pages) + s.page, s.x, s.y) for s in extra]
    return sorted(result, key=lambda slot: slot.index)


def _pack_one(
    sizes: Sequence[Size], members: list[int], side: int, *, keep: int | None = None
) -> list[Slot] | None:
    """Slots (frame indices) of ``members`` on one page; ``None`` unless every member fits,
    or, given ``keep``, unless at least the first ``keep`` (the page's own frames) fit."""
    slots = [
        Slot(members[s.index], 0, s.x, s.y)
        for s in rectpack_slots([sizes[i] for i in members], side, pages=1)
    ]
    placed = {slot.index for slot in slots}
    needed = members if keep is None else members[:keep]
    return slots if all(index in placed for index in needed) else None
