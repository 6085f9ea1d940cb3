"""Tiled upscaling with overlap: memory bounded by the tile, not by the image.

The image is cut into core tiles; each is run with ``overlap`` pixels of context around it and
only its core's part of the output is kept (the overlaps are cropped, not blended), written
straight into the output array. So no tensor ever holds more than one tile with its context,
and as long as the model's reach is within the overlap the result equals an untiled run.

A tiling image (``wrap_x``/``wrap_y``) is padded with its own opposite edges first, so the
context across an edge is what a tiled repeat of the image would show there, and the result
equals the centre of the upscaled 3x3 tiling: seamless stays seamless.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from studio.domain.errors import JobCancelled

# (H, W, C) float32 in [0, 1] -> (H*s, W*s, C) float32 in [0, 1]
Infer = Callable[[np.ndarray], np.ndarray]
OnTile = Callable[[int, int], None]  # (tiles done, tiles in all)
DEFAULT_OVERLAP = 32

Box = tuple[int, int, int, int]  # y0, y1, x0, x1


def plan_tiles(height: int, width: int, tile: int) -> list[Box]:
    """The core tiles covering a ``height`` x ``width`` image, row by row, none over ``tile``."""
    if tile < 1:
        raise ValueError(f"tile side must be at least 1, not {tile}")
    return [
        (y, min(y + tile, height), x, min(x + tile, width))
        for y in range(0, height, tile)
        for x in range(0, width, tile)
    ]


def upscale_tiled(
    image: np.ndarray,
    infer: Infer,
    scale: int,
    out: np.ndarray,
    *,
    tile: int,
    overlap: int = DEFAULT_OVERLAP,
    wrap_x: bool = False,
    wrap_y: bool = False,
    cancel: threading.Event | None = None,
    on_tile: OnTile | None = None,
) -> None:
    """Upscale ``image`` by ``scale`` tile by tile into ``out``.

    Parameters
    ----------
    image
        ``(H, W, C)`` ``uint8``.
    infer
        The model on one patch (float32 in [0, 1], channels last), returning it ``scale`` times
        larger.
    out
        ``(H*scale, W*scale, C)`` ``uint8`` (a view such as ``rgba[..., :3]`` is fine).
    tile, overlap
        Side of the core tiles and the context around each, in source pixels.
    wrap_x, wrap_y
        The image tiles along that axis: the context across its edges is its opposite edge.
    cancel, on_tile
        Checked before each tile; told after each.

    Raises
    ------
    JobCancelled
        Between two tiles, once ``cancel`` is set.
    """
    height, width = image.shape[:2]
    pad_y, pad_x = (overlap if wrap_y else 0), (overlap if wrap_x else 0)
    padded = np.pad(image, ((pad_y, pad_y), (pad_x, pad_x), (0, 0)), mode="wrap")
    boxes = plan_tiles(height, width, tile)
    for done, (y0, y1, x0, x1) in enumerate(boxes):
        if cancel is not None and cancel.is_set():
            raise JobCancelled()
        # The core in padded coordinates, and its context clamped to what exists.
        cy0, cx0 = max(0, y0 + pad_y - overlap), max(0, x0 + pad_x - overlap)
        cy1 = min(padded.shape[0], y1 + pad_y + overlap)
        cx1 = min(padded.shape[1], x1 + pad_x + overlap)
        patch = padded[cy0:cy1, cx0:cx1].astype(np.float32) / 255.0
        result = infer(patch)
        expected = ((cy1 - cy0) * scale, (cx1 - cx0) * scale)
        if result.shape[:2] != expected:
            raise ValueError(f"the model made {result.shape[:2]} from {patch.shape[:2]}")
        top, left = (y0 + pad_y - cy0) * scale, (x0 + pad_x - cx0) * scale
        core = result[top : top + (y1 - y0) * scale, left : left + (x1 - x0) * scale]
        out[y0 * scale : y1 * scale, x0 * scale : x1 * scale] = _to_uint8(core)
        if on_tile is not None:
            on_tile(done + 1, len(boxes))


def _to_uint8(values: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(values * 255.0), 0, 255).astype(np.uint8)
