"""Transparency from a key colour: detection, pymatting refinement, despill, edge bleed."""

from studio.imaging.matte.despill import bleed_edges, despill
from studio.imaging.matte.key import detect_key_colour
from studio.imaging.matte.refine import MATTING_METHODS
from studio.imaging.matte.remove_background import (
    Matte,
    check_matte_input,
    has_own_alpha,
    matte_image,
    remove_background,
)
from studio.imaging.matte.subject import check_subject_kept, lost_subject_share

__all__ = [
    "MATTING_METHODS",
    "Matte",
    "bleed_edges",
    "check_matte_input",
    "check_subject_kept",
    "despill",
    "detect_key_colour",
    "has_own_alpha",
    "lost_subject_share",
    "matte_image",
    "remove_background",
]
