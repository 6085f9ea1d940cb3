"""Sample grids: many sprites in one PNG, transparency kept, for a quick look at a model."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from studio.imaging.pixels import upscale_nearest

GRID_COLUMNS = 8


def make_grid(
    images: np.ndarray, columns: int = GRID_COLUMNS, scale: int = 2, gutter: int = 2
) -> np.ndarray:
    """Tile uint8 ``(N, S, S, 4)`` RGBA images into one ``(H, W, 4)`` image.

    Each sprite is enlarged ``scale`` times with nearest-neighbour (pixels stay visible);
    gutters and empty cells are transparent.
    """
    count, side = len(images), images.shape[1]
    rows = max(1, -(-count // columns))
    cell = side * scale + gutter
    grid = np.zeros((rows * cell + gutter, columns * cell + gutter, 4), dtype=np.uint8)
    for index, image in enumerate(np.asarray(images)):
        row, column = divmod(index, columns)
        big = upscale_nearest(image, scale)
        top, left = gutter + row * cell, gutter + column * cell
        grid[top : top + side * scale, left : left + side * scale] = big
    return grid


def save_grid(images: np.ndarray, path: Path, columns: int = GRID_COLUMNS) -> Path:
    """Write :func:`make_grid` of ``images`` as a PNG at ``path``.

    Written atomically beside ``path`` and moved over it: a crash leaves no half PNG, and a
    symlink at ``path`` is replaced, never written through to a file outside the folder.
    """
    from PIL import Image

    from studio.imaging.atomic import atomic_write_stream

    grid = Image.fromarray(make_grid(images, columns), "RGBA")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_stream(path, lambda stream: grid.save(stream, "PNG"))
    return path
