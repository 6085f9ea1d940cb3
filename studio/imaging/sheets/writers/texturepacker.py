"""TexturePacker JSON, hash and array flavours (Phaser ``load.atlas``, PixiJS, Cocos).

One JSON per page. Each frame: ``frame`` (its rectangle on the page), ``rotated`` (always
false), ``trimmed``, ``spriteSourceSize`` (the rectangle's offset and size inside the untrimmed
sprite), ``sourceSize`` (the untrimmed size), ``pivot``. ``animations`` lists frame names per
animation, as PixiJS's Spritesheet reads them.

PixiJS names the frames of the array flavour by their position (it walks the array's keys), so
there ``animations`` lists positions ("0", "3"); Phaser names them by ``filename``. Pages of a
multi-page sheet name each other in ``meta.related_multi_packs``, so PixiJS loads every page
from any one of them.
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
    names = [page_file_name(base, page, count, suffix) for page in range(count)]
    for page in range(count):
        frames = frames_on_page(sheet, page)
        entries = [frame_entry(frame) for frame in frames]
        animations = _animations_on_page(sheet, [f.name for f in frames], array=array)
        document: dict[str, Any] = {
            "frames": (
                [{"filename": f.name, **e} for f, e in zip(frames, entries, strict=True)]
                if array
                else {f.name: e for f, e in zip(frames, entries, strict=True)}
            ),
            "animations": animations,
            "meta": meta(sheet, page_image_name(base, page, count), page),
        }
        if count > 1:
            document["meta"]["related_multi_packs"] = names[:page] + names[page + 1 :]
        files[names[page]] = _dump(document)
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


def _animations_on_page(
    sheet: PackedSheet, names: list[str], *, array: bool
) -> dict[str, list[str]]:
    """The animations whose frames are all on the page, by frame name or array position."""
    position = {name: str(number) for number, name in enumerate(names)}
    return {
        animation.name: [position[name] if array else name for name in animation.frames]
        for animation in sheet.animations
        if all(name in position for name in animation.frames)
    }


def _dump(document: dict[str, Any]) -> bytes:
    return json_file_bytes(document)
