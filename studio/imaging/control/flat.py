"""Control images the artist draws: a scribble (lines) and a blockout (flat colour areas).

Scribble ControlNets read white strokes on black; an artist draws dark strokes on white, or on
a transparent layer, so both are turned into the one the model expects. Segmentation-style
ControlNets read flat areas of distinct colours; a painted blockout carries soft brush edges
and near-duplicate colours, so it is flattened to a few exact colours.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from studio.imaging.control.edges import grey

MAX_BLOCKOUT_COLOURS = 24


def scribble_lines(pixels: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """The strokes of a drawing as white on black ``(H, W, 3)`` ``uint8``.

    A drawing with transparency is read by its alpha (every visible pixel is a stroke); an
    opaque one by its darkness (strokes are darker than ``threshold``, the paper lighter).
    """
    if pixels.shape[2] == 4 and int(pixels[:, :, 3].min()) < 255:
        strokes = pixels[:, :, 3] >= threshold * 255
    else:
        strokes = grey(pixels) < threshold
    level = np.where(strokes, 255, 0).astype(np.uint8)
    return np.repeat(level[:, :, None], 3, axis=2)


def blockout_areas(pixels: np.ndarray, colours: int = MAX_BLOCKOUT_COLOURS) -> np.ndarray:
    """The blockout with at most ``colours`` exact colours and no blended edge pixels."""
    rgb = Image.fromarray(np.ascontiguousarray(pixels[:, :, :3]), "RGB")
    # Median cut picks the areas' colours; every blended edge pixel goes to the nearest one.
    indexed = rgb.quantize(
        colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    return np.asarray(indexed.convert("RGB"))
