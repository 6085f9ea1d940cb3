"""Cutting fully transparent borders off a sprite."""

from __future__ import annotations

import numpy as np


def opaque_bounds(pixels: np.ndarray) -> tuple[int, int, int, int]:
    """``(x, y, w, h)`` of the smallest box holding every pixel with alpha > 0.

    A fully transparent sprite keeps a 1x1 box at its top-left corner, so every frame still
    has a rectangle an engine can point at.
    """
    visible = pixels[:, :, 3] > 0
    rows = np.flatnonzero(visible.any(axis=1))
    columns = np.flatnonzero(visible.any(axis=0))
    if len(rows) == 0:
        return 0, 0, 1, 1
    return (
        int(columns[0]),
        int(rows[0]),
        int(columns[-1] - columns[0] + 1),
        int(rows[-1] - rows[0] + 1),
    )
