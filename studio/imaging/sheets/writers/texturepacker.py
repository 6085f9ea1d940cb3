"""TexturePacker JSON, hash and array flavours (Phaser ``load.atlas``, PixiJS, Cocos).

One JSON per page. Each frame: ``frame`` (its rectangle on the page), ``rotated`` (always
false), ``trimmed``, ``spriteSourceSize`` (the rectangle's offset and size inside the untrimmed
sprite), ``sourceSize`` (the untrimmed size), ``pivot``. ``animations`` lists frame names per
animation, as PixiJS's Spritesheet reads them.
"""

from __future__ import annotations

from typing import Any

from studio.imaging.sheets.model import PackedSheet, PlacedFrame
from studio.imaging.sheets.writers.common import (
    APP_NAME,
    frames_on_page,
    json_file_bytes,
    page_file_name,
    page_image_name,
    rect,
)


def texturepacker_files(sheet: PackedSheet, base: str, *, array: bool) -> dict[str, bytes]:
    """``{file name: bytes}`` of the JSON files, ``base.json`` (hash) or ``base.array.json``."""
    count = len(sheet.pages)
    suffix = ".array.json" if array else ".json"
    files = {}
    for page in range(count):
        frames = frames_on_page(sheet, page)
        entries = [frame_entry(frame) for frame in frames]
        document: dict[str, Any] = {
            "frames": (
                [{"filename": f.name, **e} for f, e in zip(frames, entries, strict=True)]
                if array
                else {f.name: e for f, e in zip(frames, entries, strict=True)}
            ),
            "animations": _animations_on_page(sheet, {f.name for f in frames}),
            "meta": meta(sheet, page_image_name(base, page, count), page),
        }
        files[page_file_name(base, page, count, suffix)] = _dump(document)
    return files


def frame_entry(frame: PlacedFrame) -> dict[str, Any]:
    return {
        "frame": rect(frame),
        "rotated": False,
        "trimmed": frame.trimmed,
        "spriteSourceSize": {"x": frame.offset_x, "y": frame.offset_y, "w": frame.w, "h": frame.h},
        "sourceSize": {"w": frame.source_w, "h": frame.source_h},
        "pivot": {"x": 0.5, "y": 0.5},
    }


def meta(sheet: PackedSheet, image: str, page: int) -> dict[str, Any]:
    width, height = sheet.page_size(page)
    return {
        "app": APP_NAME,
        "version": "1.0",
        "image": image,
        "format": "RGBA8888",
        "size": {"w": width, "h": height},
        "scale": "1",
    }


def _animations_on_page(sheet: PackedSheet, names: set[str]) -> dict[str, list[str]]:
    return {
        animation.name: list(animation.frames)
        for animation in sheet.animations
        if all(name in names for name in animation.frames)
    }


def _dump(document: dict[str, Any]) -> bytes:
    return json_file_bytes(document)
