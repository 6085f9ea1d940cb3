"""Aseprite sheet JSON (array form) with ``frameTags`` and per-frame ``duration``.

Phaser's ``load.aseprite`` plus ``anims.createFromAseprite`` turn each tag into an animation.
A tag is a run of consecutive frames (``to`` is inclusive), so every animation gets its own run
in the frame list: a frame used by two animations appears twice, pointing at the same pixels.
Frames in no animation follow, with the default duration of 100 ms.

Each frame's ``filename`` is its position in the list ("0", "1", ...), what Aseprite writes with
the item filename ``{frame}``: Phaser's ``createFromAseprite`` looks each tag's frames up by
that number, so any other name leaves the animation without pictures. The frame names stay in
the other formats and the recipes. One file holds one page, so an animation whose frames sit
on two pages has no tag here (the packer keeps animations on one page whenever they fit).
"""

from __future__ import annotations

from typing import Any

from studio.imaging.sheets.model import PackedSheet
from studio.imaging.sheets.writers.common import json_file_bytes, page_file_name, page_image_name
from studio.imaging.sheets.writers.texturepacker import frame_entry, meta

DEFAULT_DURATION_MS = 100
_TAG_COLOURS = ("#000000ff", "#fe5b59ff", "#f7a547ff", "#f3d34bff", "#8ac84eff", "#4fa4e0ff")


def aseprite_files(sheet: PackedSheet, base: str) -> dict[str, bytes]:
    """``{base.aseprite.json: bytes}``; for a multi-page sheet, one file per page."""
    count = len(sheet.pages)
    files = {}
    for page in range(count):
        frames, tags = _frames_and_tags(sheet, page)
        document = {
            "frames": frames,
            "meta": {
                **meta(sheet, page_image_name(base, page, count), page),
                "frameTags": tags,
                "layers": [{"name": "Layer 1", "opacity": 255, "blendMode": "normal"}],
                "slices": [],
            },
        }
        files[page_file_name(base, page, count, ".aseprite.json")] = json_file_bytes(document)
    return files


def _frames_and_tags(sheet: PackedSheet, page: int) -> tuple[list[dict[str, Any]], list[dict]]:
    frames: list[dict[str, Any]] = []
    tags = []
    used = set()
    for number, animation in enumerate(sheet.animations):
        placed = [sheet.frame(name) for name in animation.frames]
        if any(frame.page != page for frame in placed):
            continue
        duration = max(1, round(1000 / animation.fps))
        start = len(frames)
        for frame in placed:
            frames.append({**frame_entry(frame), "duration": duration})
            used.add(frame.name)
        tags.append(
            {
                "name": animation.name,
                "from": start,
                "to": len(frames) - 1,
                "direction": animation.direction,
                "color": _TAG_COLOURS[number % len(_TAG_COLOURS)],
            }
        )
    for frame in sorted(sheet.frames, key=lambda f: f.index):
        if frame.page == page and frame.name not in used:
            frames.append({**frame_entry(frame), "duration": DEFAULT_DURATION_MS})
    return [{"filename": str(number), **entry} for number, entry in enumerate(frames)], tags
