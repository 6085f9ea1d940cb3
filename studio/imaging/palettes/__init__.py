"""Colour palettes: the built-in sets, palettes taken from an image, and palette files."""

from studio.imaging.palettes.builtin import BUILTIN_PALETTES, builtin_palette
from studio.imaging.palettes.files import PALETTE_SUFFIXES, read_palette, write_palette
from studio.imaging.palettes.from_image import palette_from_image
from studio.imaging.palettes.model import Palette, off_palette_mask
from studio.imaging.palettes.resolve import resolve_palette

__all__ = [
    "BUILTIN_PALETTES",
    "PALETTE_SUFFIXES",
    "Palette",
    "builtin_palette",
    "off_palette_mask",
    "palette_from_image",
    "read_palette",
    "resolve_palette",
    "write_palette",
]
