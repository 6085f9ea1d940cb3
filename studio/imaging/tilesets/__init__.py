"""Tile sets: one grid image, exported for Tiled (.tsx + sample .tmx) and Godot 4 (.tres)."""

from __future__ import annotations

import json
from typing import Any

from studio.imaging.filenames import sanitize_filename_part
from studio.imaging.png import encode_png
from studio.imaging.tilesets.godot import godot4_tileset
from studio.imaging.tilesets.layout import TileSet, build_tileset
from studio.imaging.tilesets.tiled import tiled_sample_map, tiled_tileset


def tileset_files(
    tileset: TileSet, sources: list[dict[str, Any]] | None = None
) -> dict[str, bytes]:
    """``{file name: bytes}``: the PNG, ``.tsx``, sample ``.tmx``, Godot ``.tres`` and the
    recipes of the tiles (``base.recipes.json``: tile id, grid cell, where each came from)."""
    base = sanitize_filename_part(tileset.name, max_length=80)
    image = f"{base}.png"
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
        f"{base}.recipes.json": (json.dumps(recipes, indent=2, default=str) + "\n").encode(),
        image: encode_png(tileset.image),
        f"{base}.tsx": tiled_tileset(tileset, image),
        f"{base}.tmx": tiled_sample_map(tileset, f"{base}.tsx"),
        f"{base}.tileset.tres": godot4_tileset(tileset, image),
    }


__all__ = ["TileSet", "build_tileset", "tileset_files"]
