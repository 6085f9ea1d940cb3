""" "Remove background": key colour, soft matte, despill, edge bleed, in one call.

What the input already says is respected: an image with its own transparency is not keyed
again (its border would be the colour under alpha 0, usually black, and the key would eat every
dark pixel of the sprite), and a matte that erased most of its subject is refused
(:mod:`studio.imaging.matte.subject`) rather than returned ruined.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.imaging.matte.despill import bleed_edges, despill
from studio.imaging.matte.key import RING, detect_key_colour, key_distance
from studio.imaging.matte.refine import BACKGROUND_DISTANCE, key_trimap, solve_alpha
from studio.imaging.matte.subject import check_subject_kept
from studio.imaging.output_size import check_input_size
from studio.imaging.pixels import ensure_rgba

# Alpha this small is noise from the solver; it becomes fully transparent.
ALPHA_FLOOR = 0.02
# The border ring (3 pixels a side) needs an interior inside it.
MIN_SIDE = 2 * RING + 2
# Closed-form matting builds a sparse system over every pixel; 4 MP already needs gigabytes.
MAX_PIXELS = 4_000_000
# An image counts as already cut out when at least this share of it is mostly see-through;
# a stray pixel from an editor or a resampler does not make it one.
OWN_ALPHA_SHARE = 0.001

KEPT_ALPHA_NOTE = "kept the image's own transparency: it is already cut out, so nothing was keyed"


@dataclass(frozen=True)
class Matte:
    """What :func:`matte_image` made.

    Attributes
    ----------
    pixels
        RGBA ``uint8``.
    key
        The key colour removed, or ``None`` when the image's own alpha was kept.
    note
        One line for the user when something other than keying happened, else ``""``.
    """

    pixels: np.ndarray
    key: tuple[int, int, int] | None
    note: str = ""


def check_matte_input(height: int, width: int, *, name: str = "the image") -> None:
    """Refuse, before any work, an image too small to have a border or too large to solve.

    Raises
    ------
    InvalidRequestError
        One line naming ``name``, its size and the valid range.
    """
    check_input_size(
        width,
        height,
        doing=f"remove the background of {name}",
        min_side=MIN_SIDE,
        max_pixels=MAX_PIXELS,
    )


def has_own_alpha(rgba: np.ndarray) -> bool:
    """Whether an RGBA image is already cut out (enough of it is mostly transparent)."""
    return float((rgba[:, :, 3] < 128).mean()) >= OWN_ALPHA_SHARE


def matte_image(
    pixels: np.ndarray,
    key: tuple[int, int, int] | None = None,
    method: str = "cf",
    *,
    name: str = "the image",
) -> Matte:
    """Key out a flat background, or keep the transparency an image already has.

    Parameters
    ----------
    pixels
        ``(H, W, 3|4)`` ``uint8``. With an alpha channel that already cuts the image out
        (:func:`has_own_alpha`), that alpha is kept and only the colours under alpha 0 are
        bled from the edges; ``key`` is then not used.
    key
        The background colour; ``None`` detects it from the border.
    method
        pymatting's ``"cf"`` (closed-form) or ``"knn"``.
    name
        What messages call the image (its file).

    Raises
    ------
    InvalidRequestError
        The image is too small or large, its border is no flat colour, or the subject shares
        the key colour (one line each, naming ``name``).
    """
    rgba = ensure_rgba(pixels)
    check_matte_input(*rgba.shape[:2], name=name)
    if has_own_alpha(rgba):
        note = KEPT_ALPHA_NOTE if key is None else f"{KEPT_ALPHA_NOTE} (the key given was not used)"
        return Matte(bleed_edges(rgba), None, note)
    rgb = rgba[:, :, :3]
    key = key if key is not None else detect_key_colour(rgb)
    distance = key_distance(rgb, key)
    alpha, foreground = solve_alpha(rgb, key_trimap(distance), method)
    # Whatever still looks like the key is background, whatever the solver said.
    alpha[distance < BACKGROUND_DISTANCE / 2] = 0.0
    alpha[alpha < ALPHA_FLOOR] = 0.0
    check_subject_kept(rgb, alpha, key, name=name)
    colour = despill(foreground * 255.0, alpha, key)
    result = np.empty_like(rgba)
    result[:, :, :3] = np.clip(np.rint(colour), 0, 255).astype(np.uint8)
    matte = np.clip(np.rint(alpha * 255.0), 0, 255).astype(np.uint8)
    result[:, :, 3] = np.minimum(matte, rgba[:, :, 3])
    return Matte(bleed_edges(result), key)


def remove_background(
    pixels: np.ndarray, key: tuple[int, int, int] | None = None, method: str = "cf"
) -> tuple[np.ndarray, tuple[int, int, int] | None]:
    """Key out a flat background: :func:`matte_image` as ``(pixels, key)``.

    Returns
    -------
    tuple
        RGBA ``uint8`` with soft alpha, spill removed and edge colours bled into transparent
        pixels; and the key colour used, ``None`` when the image's own alpha was kept
        (:func:`matte_image` also gives the note to show).
    """
    matte = matte_image(pixels, key, method)
    return matte.pixels, matte.key
