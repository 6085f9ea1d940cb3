"""Snapping a finished result to the project's locked palette, recipe kept and extended."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from studio.domain.results import GeneratedImage
from studio.imaging.palettes.model import Palette, off_palette_mask
from studio.imaging.pixelart.dither import quantize
from studio.imaging.pixels import ensure_rgba


def snap_to_palette(pixels: np.ndarray, palette: Palette) -> np.ndarray:
    """RGBA pixels whose visible colours are all palette colours (alpha kept as it is)."""
    rgba = ensure_rgba(pixels)
    return quantize(rgba, palette, "none")


def lock_result(image: GeneratedImage, palette: Palette) -> GeneratedImage:
    """The result snapped to ``palette``; its recipe says which palette and how many pixels moved.

    Returns the image unchanged when it already uses only palette colours.
    """
    off = int(off_palette_mask(ensure_rgba(image.pixels), palette).sum())
    if off == 0:
        return image
    extra = {**image.extra, "palette_lock": palette.name, "palette_lock_pixels": off}
    return replace(image, pixels=snap_to_palette(image.pixels, palette), extra=extra)
