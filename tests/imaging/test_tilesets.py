"""Tile sets: the grid image, Tiled's .tsx/.tmx read back by pytmx, Godot's TileSet."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import pytmx

from studio.domain.errors import InvalidRequestError
from studio.imaging.decode import load_pixels
from studio.imaging.tilesets import build_tileset, tileset_files
from tests.imaging.sheets.readers import read_godot


def _tiles(count: int = 6, size: int = 16) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [
        np.dstack([rng.integers(0, 256, (size, size, 3)), np.full((size, size), 255)]).astype(
            np.uint8
        )
        for _ in range(count)
    ]


@pytest.fixture
def exported(tmp_path: Path):
    tileset = build_tileset("grass", _tiles(), columns=4, spacing=2, margin=1)
    for name, data in tileset_files(tileset).items():
        (tmp_path / name).write_bytes(data)
    return tileset, tmp_path


def test_tiles_sit_on_the_grid_with_spacing_and_margin(exported) -> None:
    tileset, folder = exported
    image = load_pixels(folder / "grass.png")
    assert image.shape[:2] == (1 + 2 * 16 + 2 + 1, 1 + 4 * 16 + 3 * 2 + 1)
    for index, tile in enumerate(_tiles()):
        x, y = tileset.tile_origin(index)
        np.testing.assert_array_equal(image[y : y + 16, x : x + 16], tile)


def test_pytmx_reads_the_map_and_every_tile_is_used_once(exported) -> None:
    tileset, folder = exported
    tiled = pytmx.TiledMap(str(folder / "grass.tmx"))
    (read_set,) = tiled.tilesets
    assert (read_set.tilewidth, read_set.tileheight) == (16, 16)
    assert (read_set.spacing, read_set.margin, read_set.columns) == (2, 1, 4)
    # Six tiles on a 4x2 grid: Tiled counts the eight cells of the image, so the file must too.
    assert read_set.tilecount == 8
    layer = tiled.layers[0]
    used = []
    for x, y, gid in layer.iter_data():
        if gid:
            used.append((x, y, tiled.tiledgidmap[gid]))
    assert sorted(g for _x, _y, g in used) == [1, 2, 3, 4, 5, 6]
    # The image loader gets the source rectangle of each tile: it matches our grid.
    for x, y, gid in used:
        source, rect, _flags = tiled.images[tiled.get_tile_gid(x, y, 0)]
        assert Path(source).name == "grass.png"
        assert tuple(rect) == (*tileset.tile_origin(gid - 1), 16, 16)


def test_godot_tileset_resource(exported) -> None:
    _tileset, folder = exported
    resource = read_godot((folder / "grass.tileset.tres").read_bytes())
    (texture,) = resource.get_ext_resources()
    assert texture.header["path"] == "grass.png"
    (source,) = resource.get_sub_resources()
    assert source.header["type"] == "TileSetAtlasSource"
    assert tuple(source["texture_region_size"].args) == (16, 16)
    assert tuple(source["separation"].args) == (2, 2)
    assert tuple(source["margins"].args) == (1, 1)
    tiles = sorted(key for key in source.properties if "/" in key)
    assert tiles == sorted(f"{i % 4}:{i // 4}/0" for i in range(6))


def test_tiles_of_different_sizes_are_one_clear_error() -> None:
    tiles = _tiles(2)
    tiles.append(np.zeros((8, 8, 4), dtype=np.uint8))
    with pytest.raises(InvalidRequestError, match="Tile 3 is 8x8; every tile must be 16x16"):
        build_tileset("t", tiles)
