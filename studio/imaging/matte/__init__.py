"""Transparency from a key colour: detection, pymatting refinement, despill, edge bleed."""

from studio.imaging.matte.despill import bleed_edges, despill
from studio.imaging.matte.key import detect_key_colour
from studio.imaging.matte.refine import MATTING_METHODS
from studio.imaging.matte.remove_background import remove_background

__all__ = ["MATTING_METHODS", "bleed_edges", "despill", "detect_key_colour", "remove_background"]
