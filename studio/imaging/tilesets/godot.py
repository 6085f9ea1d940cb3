"""A Godot 4 ``TileSet`` resource with one ``TileSetAtlasSource`` over the tile image.

The image path is relative to the ``.tres``, so the folder works anywhere inside ``res://``
(see :mod:`studio.imaging.sheets.writers.godot`).
"""

from __future__ import annotations

from studio.imaging.tilesets.layout import TileSet


def godot4_tileset(tileset: TileSet, image_name: str) -> bytes:
    """The ``.tres`` text; every tile gets its atlas coordinates ``column:row/0``."""
    size = f"Vector2i({tileset.tile_width}, {tileset.tile_height})"
    lines = [
        '[gd_resource type="TileSet" load_steps=3 format=3]',
        "",
        f'[ext_resource type="Texture2D" path="{image_name}" id="1_tiles"]',
        "",
        '[sub_resource type="TileSetAtlasSource" id="TileSetAtlasSource_1"]',
        'texture = ExtResource("1_tiles")',
        f"margins = Vector2i({tileset.margin}, {tileset.margin})",
        f"separation = Vector2i({tileset.spacing}, {tileset.spacing})",
        f"texture_region_size = {size}",
    ]
    lines += [f"{i % tileset.columns}:{i // tileset.columns}/0 = 0" for i in range(tileset.count)]
    lines += [
        "",
        "[resource]",
        f"tile_size = {size}",
        'sources/0 = SubResource("TileSetAtlasSource_1")',
        "",
    ]
    return "\n".join(lines).encode("utf-8")
