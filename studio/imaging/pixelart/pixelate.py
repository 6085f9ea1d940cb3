"""The whole "Pixelate" step: grid, downscale, palette, 1-bit alpha, outline."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.domain.errors import InvalidRequestError
from studio.imaging.output_size import check_output_size
from studio.imaging.palettes.model import Palette
from studio.imaging.pixelart.alpha import add_outline, one_bit_alpha
from studio.imaging.pixelart.dither import DITHER_METHODS, quantize
from studio.imaging.pixelart.downscale import downscale
from studio.imaging.pixelart.grid import detect_cell_size
from studio.imaging.pixels import ensure_rgba, upscale_nearest


@dataclass(frozen=True)
class PixelateOptions:
    """What "Pixelate" does.

    Parameters
    ----------
    palette
        Colours the result may use.
    cell
        Art-pixel size in source pixels; ``None`` detects it (1 when the image shows no grid).
    method
        ``"kcentroid"`` or ``"nearest"`` downscale.
    dither
        One of :data:`~studio.imaging.pixelart.dither.DITHER_METHODS`.
    alpha_threshold
        Alpha at or above this is opaque, below it transparent.
    outline
        Add a 1-px outline in the palette's darkest colour.
    scale
        Enlarge the result by this whole factor with nearest neighbour (1 keeps art size).
    """

    palette: Palette
    cell: int | None = None
    method: str = "kcentroid"
    dither: str = "none"
    alpha_threshold: int = 128
    outline: bool = False
    scale: int = 1

    def __post_init__(self) -> None:
        if self.dither not in DITHER_METHODS:
            raise InvalidRequestError(
                f"Dither {self.dither!r} is not one of {', '.join(DITHER_METHODS)}."
            )
        if self.method not in ("kcentroid", "nearest"):
            raise InvalidRequestError("Downscale is 'kcentroid' or 'nearest'.")
        if self.cell is not None and not 1 <= self.cell <= 256:
            raise InvalidRequestError(f"Grid cell {self.cell} must be 1-256 pixels.")
        if not 1 <= self.scale <= 16:
            raise InvalidRequestError(f"Scale {self.scale} must be 1-16.")
        if not 1 <= self.alpha_threshold <= 255:
            raise InvalidRequestError("The alpha threshold must be 1-255.")


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
    small = one_bit_alpha(downscale(rgba, cell, options.method), options.alpha_threshold)
    result = one_bit_alpha(quantize(small, options.palette, options.dither))
    if options.outline:
        result = add_outline(result, darkest(options.palette))
    return upscale_nearest(result, options.scale), cell


def darkest(palette: Palette) -> tuple[int, int, int]:
    """The palette colour with the lowest luminance (outlines use it)."""
    return min(palette.colours, key=lambda c: 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2])


def apply_palette_lock(pixels: np.ndarray, palette: Palette, dither: str = "none") -> np.ndarray:
    """Snap an image's visible colours to a locked palette, at its own size (no downscale)."""
    rgba = ensure_rgba(pixels)
    return quantize(rgba, palette, dither)
