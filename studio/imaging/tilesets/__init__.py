"""Tile sets: one grid image, exported for Tiled (.tsx + sample .tmx) and Godot 4 (.tres)."""

from __future__ import annotations

from typing import Any

from studio.imaging.display_names import display_name
from studio.imaging.filenames import sanitize_filename_part
from studio.imaging.png import encode_png
from studio.imaging.sheets.writers.common import json_file_bytes
from studio.imaging.sheets.writers.godot import godot_import_files
from studio.imaging.tilesets.godot import godot4_tileset
from studio.imaging.tilesets.layout import TileSet, build_tileset
from studio.imaging.tilesets.tiled import tiled_sample_map, tiled_tileset


def tileset_file_names(name: str) -> list[str]:
    """The names of every file :func:`tileset_files` writes for a tile set called ``name``."""
    base = sanitize_filename_part(display_name(name, fallback="tiles"), max_length=80)
    return [f"{base}{ending}" for ending in _ENDINGS]


_ENDINGS = (".recipes.json", ".png", ".tsx", ".tmx", ".tileset.tres", ".png.import")


def tileset_files(
    tileset: TileSet, sources: list[dict[str, Any]] | None = None
) -> dict[str, bytes]:
    """``{file name: bytes}``: the PNG (with its Godot ``.import``: no filter), ``.tsx``,
    sample ``.tmx``, Godot ``.tres`` and the recipes of the tiles (``base.recipes.json``: tile
    id, grid cell, where each came from)."""
    recipes_name, image, tsx, tmx, tres, _import = tileset_file_names(tileset.name)
    sources = sources or [{} for _ in range(tileset.count)]
    recipes = {
        "studio_tileset": 1,
        "tile_size": [tileset.tile_width, tileset.tile_height],
        "tiles": [
            {"id": index, "xy": list(tileset.tile_origin(index)), **source}
            for index, source in enumerate(sources)
        ],
    }
    return {
        recipes_name: json_file_bytes(recipes),
        image: encode_png(tileset.image),
        tsx: tiled_tileset(tileset, image),
        tmx: tiled_sample_map(tileset, tsx),
        tres: godot4_tileset(tileset, image),
        **godot_import_files([image], pixel_art=True),
    }


__all__ = ["TileSet", "build_tileset", "tileset_file_names", "tileset_files"]
