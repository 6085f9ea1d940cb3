"""Transparent results from any Stable Diffusion model: a flat key colour, then a matte.

SD models cannot paint alpha. With "Transparent background" the prompt asks for the subject
on a flat pure green ground (models paint "#00FF00" as roughly (8, 162, 24), which is why the
key is detected from the border rather than assumed) and the negative prompt pushes away
what would break the key: shadows, gradients, scenery. The decoded image is then keyed with
studio.imaging.matte (pymatting refinement, despill, edge bleed). This is the "matte" way;
the "native" one runs the user's LayerDiffuse files (studio.engine.sd.layerdiffuse_run).
"""

from __future__ import annotations

import numpy as np

from studio.domain.errors import InvalidRequestError
from studio.imaging.matte import remove_background

BACKGROUND_WORDS = "isolated on a flat solid pure green #00FF00 background, centered, full body"
NEGATIVE_WORDS = "shadow, gradient background, scenery, floor, green subject, vignette"
UNEVEN_BACKGROUND = (
    "Transparent background: the background came out uneven, so the image was kept opaque; "
    "try another seed, or Remove Background after editing."
)


def transparent_prompts(prompt: str, negative: str) -> tuple[str, str]:
    """The prompt and negative prompt with the key-background words added."""
    positive = f"{prompt}, {BACKGROUND_WORDS}" if prompt.strip() else BACKGROUND_WORDS
    negative = f"{negative}, {NEGATIVE_WORDS}" if negative.strip() else NEGATIVE_WORDS
    return positive, negative


def key_out_background(
    pixels: np.ndarray,
) -> tuple[np.ndarray, tuple[str, ...], dict[str, str]]:
    """The image with its key colour matted out.

    Returns
    -------
    tuple
        RGBA pixels; warnings (the image stays opaque when its border is not one flat colour);
        recipe facts (the key colour).
    """
    try:
        rgba, key = remove_background(pixels)
    except InvalidRequestError:
        return pixels, (UNEVEN_BACKGROUND,), {"transparency": "kept opaque"}
    if key is None:  # the pixels had alpha already and were kept as they were
        return rgba, (), {"transparency": "kept alpha"}
    return rgba, (), {"transparency": "key #{:02x}{:02x}{:02x}, pymatting".format(*key)}
