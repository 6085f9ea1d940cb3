"""The whole "Pixelate" step: grid, downscale, palette, 1-bit alpha, outline."""

from __future__ import annotations

import numpy as np

from studio.domain.errors import InvalidRequestError
from studio.domain.pixelate_options import PixelateOptions
from studio.imaging.output_size import check_output_size
from studio.imaging.palettes.model import Palette
from studio.imaging.pixelart.alpha import add_outline, one_bit_alpha
from studio.imaging.pixelart.dither import quantize
from studio.imaging.pixelart.downscale import downscale
from studio.imaging.pixelart.grid import detect_cell_size
from studio.imaging.pixels import ensure_rgba, upscale_nearest


def pixelate(pixels: np.ndarray, options: PixelateOptions) -> tuple[np.ndarray, int]:
    """Turn an image into palette-exact pixel art.

    Returns
    -------
    tuple
        The ``(h, w, 4)`` ``uint8`` result (every visible pixel a palette colour, alpha 0 or
        255) and the cell size that was used.

    Raises
    ------
    InvalidRequestError
        An image smaller than one cell, or a result larger than any image Studio makes.
    """
    rgba = ensure_rgba(pixels)
    cell = options.cell if options.cell is not None else detect_cell_size(rgba)
    if rgba.shape[0] < cell or rgba.shape[1] < cell:
        raise InvalidRequestError(
            f"The image ({rgba.shape[1]}x{rgba.shape[0]}) is smaller than one {cell}-px cell."
        )
    # The size of the result is known now: checked before a pixel of it is made.
    check_output_size(
        rgba.shape[1] // cell * options.scale,
        rgba.shape[0] // cell * options.scale,
        what="The pixelated image",
        lower="the scale or raise the grid size",
    )
    palette = _palette(options)
    small = one_bit_alpha(downscale(rgba, cell, options.method), options.alpha_threshold)
    result = one_bit_alpha(quantize(small, palette, options.dither))
    if options.outline:
        result = add_outline(result, darkest(palette))
    return upscale_nearest(result, options.scale), cell


def _palette(options: PixelateOptions) -> Palette:
    # The options hold any named colours (a job's, a lock's); the quantizer wants a checked
    # Palette, made here once unless it already is one.
    given = options.palette
    return given if isinstance(given, Palette) else Palette(given.name, given.colours)


def darkest(palette: Palette) -> tuple[int, int, int]:
    """The palette colour with the lowest luminance (outlines use it)."""
    return min(palette.colours, key=lambda c: 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2])


def apply_palette_lock(pixels: np.ndarray, palette: Palette, dither: str = "none") -> np.ndarray:
    """Snap an image's visible colours to a locked palette, at its own size (no downscale)."""
    rgba = ensure_rgba(pixels)
    return quantize(rgba, palette, dither)
