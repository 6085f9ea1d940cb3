"""Shrinking an image to one pixel per grid cell: k-centroid or nearest.

k-centroid (Astropulse's Pixel Detector idea): split each cell's colours into two clusters and
keep the centre of the larger one. Dark outlines one cell wide survive, where an average would
smear them into the fill. Cells are processed all at once as a batch of tiny k-means problems.
"""

from __future__ import annotations

import numpy as np

_ITERATIONS = 6


def downscale(pixels: np.ndarray, cell: int, method: str = "kcentroid") -> np.ndarray:
    """One output pixel per ``cell`` x ``cell`` block of an RGBA image.

    Parameters
    ----------
    pixels
        ``(H, W, 4)`` ``uint8``; a partial last row or column of cells is dropped.
    cell
        Block side in pixels (1 returns a copy).
    method
        ``"kcentroid"`` (dominant colour of the block) or ``"nearest"`` (its centre pixel).
    """
    if cell < 1:
        raise ValueError(f"cell must be at least 1, not {cell}")
    if method not in ("kcentroid", "nearest"):
        raise ValueError(f"method must be 'kcentroid' or 'nearest', not {method!r}")
    out_h, out_w = pixels.shape[0] // cell, pixels.shape[1] // cell
    if out_h == 0 or out_w == 0:
        raise ValueError(f"a {pixels.shape[1]}x{pixels.shape[0]} image is smaller than one cell")
    if cell == 1:
        return pixels.copy()
    if method == "nearest":
        return pixels[cell // 2 :: cell, cell // 2 :: cell][:out_h, :out_w].copy()
    blocks = (
        pixels[: out_h * cell, : out_w * cell]
        .reshape(out_h, cell, out_w, cell, 4)
        .transpose(0, 2, 1, 3, 4)
        .reshape(out_h * out_w, cell * cell, 4)
        .astype(np.float64)
    )
    colours = _dominant_colours(blocks[:, :, :3])
    # Alpha by majority: a cell is visible when most of it is.
    alpha = np.where((blocks[:, :, 3] >= 128).mean(axis=1) >= 0.5, 255.0, 0.0)
    result = np.concatenate([colours, alpha[:, np.newaxis]], axis=1)
    return np.clip(np.rint(result), 0, 255).astype(np.uint8).reshape(out_h, out_w, 4)


def _dominant_colours(cells: np.ndarray) -> np.ndarray:
    """For each cell ``(N, P, 3)``: the centre of the larger of two colour clusters."""
    luminance = cells @ np.array([0.299, 0.587, 0.114])
    index = np.arange(len(cells))
    centres = np.stack(
        [cells[index, luminance.argmin(axis=1)], cells[index, luminance.argmax(axis=1)]], axis=1
    )
    for _ in range(_ITERATIONS):
        distances = ((cells[:, :, np.newaxis, :] - centres[:, np.newaxis]) ** 2).sum(axis=3)
        labels = distances.argmin(axis=2)
        for cluster in (0, 1):
            members = (labels == cluster)[:, :, np.newaxis]
            counts = members.sum(axis=1)
            sums = (cells * members).sum(axis=1)
            centres[:, cluster] = np.where(
                counts > 0, sums / np.maximum(counts, 1), centres[:, cluster]
            )
    larger = (labels == 1).sum(axis=1) > (labels == 0).sum(axis=1)
    # The centre is rounded to the nearest member colour, so a flat cell keeps its exact colour.
    chosen = centres[index, larger.astype(np.int64)]
    nearest = ((cells - chosen[:, np.newaxis]) ** 2).sum(axis=2).argmin(axis=1)
    return cells[index, nearest]
