"""Every file of a sheet export, in memory: page PNGs, the chosen formats, the recipes.

Nothing here touches the disk. The caller writes the returned files into the export folder
with :func:`studio.project.export_folder.write_export_files`, which refuses any name that
would land outside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from studio.domain.errors import InvalidRequestError
from studio.imaging.filenames import sanitize_filename_part
from studio.imaging.png import encode_png
from studio.imaging.sheets.model import PackedSheet
from studio.imaging.sheets.writers.aseprite import aseprite_files
from studio.imaging.sheets.writers.common import json_file_bytes, page_image_name
from studio.imaging.sheets.writers.csv_table import csv_table
from studio.imaging.sheets.writers.godot import (
    godot3_spriteframes,
    godot4_spriteframes,
    godot_import_files,
)
from studio.imaging.sheets.writers.libgdx import libgdx_atlas
from studio.imaging.sheets.writers.texturepacker import texturepacker_files
from studio.imaging.sheets.writers.unity import unity_meta_files

Writer = Callable[[PackedSheet, str], dict[str, bytes]]

SHEET_FORMATS: dict[str, tuple[str, Writer]] = {
    "texturepacker": (
        "TexturePacker JSON hash (Phaser, PixiJS, Cocos)",
        lambda s, b: texturepacker_files(s, b, array=False),
    ),
    "texturepacker-array": (
        "TexturePacker JSON array",
        lambda s, b: texturepacker_files(s, b, array=True),
    ),
    "aseprite": ("Aseprite JSON with frame tags", aseprite_files),
    "godot4": (
        "Godot 4 SpriteFrames .tres",
        lambda s, b: {f"{b}.tres": godot4_spriteframes(s, b), **_godot_imports(s, b)},
    ),
    "godot3": (
        "Godot 3 SpriteFrames .tres",
        lambda s, b: {f"{b}.godot3.tres": godot3_spriteframes(s, b), **_godot_imports(s, b)},
    ),
    "unity": ("Unity sprite sheet .meta", unity_meta_files),
    "libgdx": ("libGDX .atlas", lambda s, b: {f"{b}.atlas": libgdx_atlas(s, b)}),
    "csv": ("CSV of frame rectangles", lambda s, b: {f"{b}.csv": csv_table(s, b)}),
}


def _godot_imports(sheet: PackedSheet, base: str) -> dict[str, bytes]:
    count = len(sheet.pages)
    images = [page_image_name(base, page, count) for page in range(count)]
    return godot_import_files(images, pixel_art=sheet.options.pixel_art)


def parse_formats(text: str) -> list[str]:
    """``"texturepacker,godot4"`` as a list; ``all`` means every format.

    Raises
    ------
    InvalidRequestError
        For an unknown format, with the list of known ones.
    """
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    if names == ["all"]:
        return list(SHEET_FORMATS)
    unknown = [name for name in names if name not in SHEET_FORMATS]
    if unknown or not names:
        raise InvalidRequestError(
            f"Unknown format {', '.join(map(repr, unknown)) or repr(text)}: "
            f"use {', '.join(SHEET_FORMATS)} or all."
        )
    return list(dict.fromkeys(names))


def sheet_files(sheet: PackedSheet, name: str, formats: Iterable[str]) -> dict[str, bytes]:
    """The page images, each chosen format's files and ``<base>.recipes.json``.

    Parameters
    ----------
    sheet
        The packed sheet.
    name
        Free text for the file names (a prompt is fine); sanitized here.
    formats
        Keys of :data:`SHEET_FORMATS`.
    """
    base = sheet_base_name(name)
    count = len(sheet.pages)
    files = {
        page_image_name(base, page, count): encode_png(pixels)
        for page, pixels in enumerate(sheet.pages)
    }
    for key in formats:
        files.update(SHEET_FORMATS[key][1](sheet, base))
    files[f"{base}.recipes.json"] = recipes_json(sheet, base)
    return files


_ONE_PAGE_FORMATS = {
    "texturepacker": "TexturePacker JSON",
    "texturepacker-array": "TexturePacker JSON",
    "aseprite": "Aseprite JSON",
}


def sheet_notes(sheet: PackedSheet, formats: Iterable[str]) -> list[str]:
    """One line per animation a chosen format cannot hold because it spans pages.

    The packer keeps every animation that fits a page on one page; one larger than a page is
    split, and formats read one page per file (Phaser, PixiJS) leave it out.
    """
    kinds = sorted({_ONE_PAGE_FORMATS[key] for key in formats if key in _ONE_PAGE_FORMATS})
    notes = []
    for animation in sheet.animations:
        pages = sorted({sheet.frame(name).page + 1 for name in animation.frames})
        if len(pages) > 1 and kinds:
            notes.append(
                f"Animation {animation.name!r} does not fit one page (it spans pages "
                f"{', '.join(map(str, pages))}), so the {' and '.join(kinds)} leave it out "
                "(one file per page); raise --max-size or lower --scale to keep it there."
            )
    return notes


def sheet_base_name(name: str) -> str:
    """The file-name base every file of the export starts with."""
    return sanitize_filename_part(name, max_length=80)


def recipes_file_name(name: str) -> str:
    """The recipes file every sheet export writes, whatever its formats and page count."""
    return f"{sheet_base_name(name)}.recipes.json"


def recipes_json(sheet: PackedSheet, base: str) -> bytes:
    """Where every frame came from (entry id, file, recipe) and where it sits on the sheet."""
    count = len(sheet.pages)
    frames: list[dict[str, Any]] = []
    for frame in sorted(sheet.frames, key=lambda f: f.index):
        frames.append(
            {
                "name": frame.name,
                "image": page_image_name(base, frame.page, count),
                "rect": {"x": frame.x, "y": frame.y, "w": frame.w, "h": frame.h},
                **sheet.sources.get(frame.name, {}),
            }
        )
    document = {
        "studio_sheet": 1,
        "options": {
            "layout": sheet.options.layout,
            "padding": sheet.options.padding,
            "extrude": sheet.options.extrude,
            "trim": sheet.options.trim,
            "pot": sheet.options.pot,
            "scale": sheet.options.scale,
        },
        "animations": [
            {"name": a.name, "fps": a.fps, "loop": a.loop, "frames": list(a.frames)}
            for a in sheet.animations
        ],
        "frames": frames,
    }
    return json_file_bytes(document)
