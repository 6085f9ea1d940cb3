"""Tiled's tile set (.tsx) and a sample map (.tmx) that shows every tile once."""

from __future__ import annotations

import math
from xml.etree import ElementTree

from studio.imaging.tilesets.layout import TileSet


def tiled_tileset(tileset: TileSet, image_name: str) -> bytes:
    """The ``.tsx`` XML.

    ``tilecount`` is every cell of the grid, empty ones included: Tiled counts the tiles the
    image holds (columns x rows) and would rewrite a smaller count on its first save.
    """
    height, width = tileset.image.shape[:2]
    root = ElementTree.Element(
        "tileset",
        version="1.10",
        tiledversion="1.10.2",
        name=tileset.name,
        tilewidth=str(tileset.tile_width),
        tileheight=str(tileset.tile_height),
        spacing=str(tileset.spacing),
        margin=str(tileset.margin),
        tilecount=str(tileset.columns * tileset.rows),
        columns=str(tileset.columns),
    )
    ElementTree.SubElement(root, "image", source=image_name, width=str(width), height=str(height))
    return _xml(root)


def tiled_sample_map(tileset: TileSet, tsx_name: str) -> bytes:
    """A ``.tmx`` map using every tile once, in order (gid = tile index + 1), then empty cells."""
    width = tileset.columns
    height = math.ceil(tileset.count / width)
    root = ElementTree.Element(
        "map",
        version="1.10",
        tiledversion="1.10.2",
        orientation="orthogonal",
        renderorder="right-down",
        width=str(width),
        height=str(height),
        tilewidth=str(tileset.tile_width),
        tileheight=str(tileset.tile_height),
        infinite="0",
        nextlayerid="2",
        nextobjectid="1",
    )
    ElementTree.SubElement(root, "tileset", firstgid="1", source=tsx_name)
    layer = ElementTree.SubElement(
        root, "layer", id="1", name="every tile", width=str(width), height=str(height)
    )
    gids = [index + 1 if index < tileset.count else 0 for index in range(width * height)]
    rows = [",".join(str(g) for g in gids[r * width : (r + 1) * width]) for r in range(height)]
    data = ElementTree.SubElement(layer, "data", encoding="csv")
    data.text = "\n" + ",\n".join(rows) + "\n"
    return _xml(root)


def _xml(root: ElementTree.Element) -> bytes:
    ElementTree.indent(root, space=" ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root) + b"\n"
