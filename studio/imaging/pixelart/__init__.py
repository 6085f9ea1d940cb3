"""Pixel art: grid detection, k-centroid downscale, palette dithering, 1-bit alpha, outline."""

from studio.imaging.pixelart.dither import bayer_matrix, quantize
from studio.imaging.pixelart.downscale import downscale
from studio.imaging.pixelart.grid import detect_cell_size
from studio.imaging.pixelart.pixelate import apply_palette_lock, pixelate

__all__ = [
    "apply_palette_lock",
    "bayer_matrix",
    "detect_cell_size",
    "downscale",
    "pixelate",
    "quantize",
]
