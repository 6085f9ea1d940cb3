"""Tile sets: one grid image, exported for Tiled (.tsx + sample .tmx) and Godot 4 (.tres)."""

from __future__ import annotations

from studio.imaging.filenames import sanitize_filename_part
from studio.imaging.png import encode_png
from studio.imaging.tilesets.godot import godot4_tileset
from studio.imaging.tilesets.layout import TileSet, build_tileset
from studio.imaging.tilesets.tiled import tiled_sample_map, tiled_tileset


def tileset_files(tileset: TileSet) -> dict[str, bytes]:
    """``{file name: bytes}``: the PNG, ``.tsx``, sample ``.tmx`` and Godot ``.tres``."""
    base = sanitize_filename_part(tileset.name, max_length=80)
    image = f"{base}.png"
    return {
        image: encode_png(tileset.image),
        f"{base}.tsx": tiled_tileset(tileset, image),
        f"{base}.tmx": tiled_sample_map(tileset, f"{base}.tsx"),
        f"{base}.tileset.tres": godot4_tileset(tileset, image),
    }


__all__ = ["TileSet", "build_tileset", "tileset_files"]
