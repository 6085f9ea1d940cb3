"""Pixels for one listed icon: decode or rasterize, then centre and area-average to each size.

Top-level functions of plain arguments, so a process pool can run them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from PIL import Image

from studio.train.data.package_readers import RasterJob
from studio.train.data.raster import icon_to_sizes, pixel_grid_to_sizes

_MAX_SOURCE_PIXELS = 4096 * 4096


def render_icon(
    job: RasterJob, sizes: Sequence[int], render_px: int
) -> dict[int, np.ndarray] | None:
    """``{size: (size, size, 4) uint8}`` for ``job``, or ``None`` if it is unreadable or empty.

    Parameters
    ----------
    render_px
        Side at which vector art is rasterized before area-averaging down to ``sizes``.
    """
    try:
        if job.kind == "pixel-svg":
            # Drawn on its own grid (24 px), whole-pixel shapes come out crisp and unblurred.
            return pixel_grid_to_sizes(_svg_to_rgba(job.payload, None), sizes)
        if job.kind == "svg":
            return icon_to_sizes(_svg_to_rgba(job.payload, render_px), sizes)
        return icon_to_sizes(_file_to_rgba(job.payload), sizes)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        # cairosvg raises ValueError/SyntaxError-style errors on broken SVG.
        return None


def _svg_to_rgba(svg: str, pixels: int | None) -> np.ndarray:
    import cairosvg

    size = {} if pixels is None else {"output_width": pixels, "output_height": pixels}
    # unsafe=False (the default, said out loud): no external files, URLs or XML entities.
    png = cairosvg.svg2png(bytestring=svg.encode("utf-8"), unsafe=False, **size)
    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGBA"))


def _file_to_rgba(path: str) -> np.ndarray:
    with Image.open(path) as image:
        if image.width * image.height > _MAX_SOURCE_PIXELS:
            raise ValueError(f"{path} is too large for an icon")
        return np.asarray(image.convert("RGBA"))
