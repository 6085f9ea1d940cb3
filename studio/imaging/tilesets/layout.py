"""A tile set image: tiles of one size on a grid, with optional spacing and margin."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from studio.domain.errors import InvalidRequestError
from studio.imaging.display_names import display_name
from studio.imaging.output_size import check_output_size
from studio.imaging.pixels import ensure_rgba

MAX_TILES = 4096


@dataclass(frozen=True)
class TileSet:
    """The tile image and the numbers map editors need.

    ``tile`` ``i`` sits at column ``i % columns``, row ``i // columns``, its top-left corner at
    ``margin + column * (tile_width + spacing)``, likewise for rows.
    """

    name: str
    image: np.ndarray
    tile_width: int
    tile_height: int
    columns: int
    count: int
    spacing: int = 0
    margin: int = 0

    @property
    def rows(self) -> int:
        return math.ceil(self.count / self.columns)

    def tile_origin(self, index: int) -> tuple[int, int]:
        column, row = index % self.columns, index // self.columns
        return (
            self.margin + column * (self.tile_width + self.spacing),
            self.margin + row * (self.tile_height + self.spacing),
        )


def build_tileset(
    name: str,
    tiles: list[np.ndarray],
    *,
    columns: int | None = None,
    spacing: int = 0,
    margin: int = 0,
) -> TileSet:
    """Lay tiles of one size on a grid.

    Raises
    ------
    InvalidRequestError
        No tiles, too many, tiles of different sizes, bad spacing/margin, or an image larger
        than any Studio makes (checked before it is made).
    """
    if not tiles:
        raise InvalidRequestError("A tile set needs at least one tile.")
    if len(tiles) > MAX_TILES:
        raise InvalidRequestError(f"A tile set holds at most {MAX_TILES} tiles.")
    if not 0 <= spacing <= 64 or not 0 <= margin <= 64:
        raise InvalidRequestError("Spacing and margin must be 0-64 pixels.")
    rgba = [ensure_rgba(tile) for tile in tiles]
    height, width = rgba[0].shape[:2]
    for number, tile in enumerate(rgba, start=1):
        if tile.shape[:2] != (height, width):
            raise InvalidRequestError(
                f"Tile {number} is {tile.shape[1]}x{tile.shape[0]}; every tile must be "
                f"{width}x{height} like the first."
            )
    columns = columns or math.ceil(math.sqrt(len(rgba)))
    if columns < 1:
        raise InvalidRequestError("A tile set needs at least one column.")
    columns = min(columns, len(rgba))
    rows = math.ceil(len(rgba) / columns)
    full_width = 2 * margin + columns * width + (columns - 1) * spacing
    full_height = 2 * margin + rows * height + (rows - 1) * spacing
    check_output_size(
        full_width, full_height, what="The tile set", lower="the number of tiles or the columns"
    )
    image = np.zeros((full_height, full_width, 4), dtype=np.uint8)
    # The name goes into XML (.tsx) and onto the terminal: no controls, no non-characters.
    name = display_name(name, fallback="tiles")
    tileset = TileSet(name, image, width, height, columns, len(rgba), spacing, margin)
    for index, tile in enumerate(rgba):
        x, y = tileset.tile_origin(index)
        image[y : y + height, x : x + width] = tile
    return tileset
