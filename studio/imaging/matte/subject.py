"""Noticing that a matte ate its subject: a green slime on a green key.

A key colour only separates subject from background when the subject does not use it. When it
does, the matte keeps a few outlines and highlights and erases the rest, and the result looks
like a bug. The rule here judges the matte, not the colours alone:

1. The subject's area is the *envelope* of what the matte kept (alpha at least 1/2): kept
   pixels joined across small gaps (a morphological closing, radius 1/32 of the shorter side)
   with their enclosed holes filled. Eyes and an outline of a green slime span its body.
2. Inside the envelope, a pixel the matte erased is *lost subject* when its colour stands out
   from the background: farther from the key than the border's own variation (twice its 95th
   percentile, at least :data:`MIN_SPREAD`). A hole that shows the real background (the inside
   of a ring) is as flat as the border, so it is not counted.
3. When lost subject outweighs what was kept, or nothing is kept at all, the matte is refused
   in one line naming the key colour and what to do.

A subject painted in exactly the background's colour and noise cannot be told from a hole;
that matte is returned as is.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from studio.domain.errors import InvalidRequestError
from studio.imaging.matte.key import border_pixels, key_distance
from studio.imaging.matte.refine import BACKGROUND_DISTANCE

# The border's variation below this is camera-flat; generated keys vary by a few units.
MIN_SPREAD = 12.0
# Refused when more of the subject would be erased than kept.
MAX_LOST_SHARE = 0.5


def lost_subject_share(rgb: np.ndarray, alpha: np.ndarray, key: tuple[int, int, int]) -> float:
    """The share of the subject's envelope that the matte erased although it is not background.

    Parameters
    ----------
    rgb
        ``(H, W, 3)`` ``uint8`` image the matte was made from.
    alpha
        ``(H, W)`` matte in 0-1.
    key
        The key colour that was removed.

    Returns
    -------
    float
        0 (nothing lost) to 1 (nothing kept).
    """
    kept = alpha >= 0.5
    if not kept.any():
        return 1.0
    distance = key_distance(rgb, key)
    lost = _envelope(kept) & ~kept & (distance > _background_spread(rgb, key))
    lost_count = int(lost.sum())
    return lost_count / (lost_count + int(kept.sum()))


def check_subject_kept(
    rgb: np.ndarray, alpha: np.ndarray, key: tuple[int, int, int], *, name: str = "the image"
) -> None:
    """Refuse a matte that erased most of its subject (see the module's rule).

    Raises
    ------
    InvalidRequestError
        One line naming ``name``, the key colour and what to do.
    """
    share = lost_subject_share(rgb, alpha, key)
    colour = "#{:02x}{:02x}{:02x}".format(*key)
    advice = (
        "generate the subject on a background colour it does not use (magenta for a green "
        "subject, green for a red one), or pick the background's own colour as the key"
    )
    if share >= 1.0:
        raise InvalidRequestError(
            f"Removing the key colour {colour} from {name} leaves nothing: the whole image is "
            f"close to it; {advice}."
        )
    if share > MAX_LOST_SHARE:
        raise InvalidRequestError(
            f"The subject of {name} shares the key colour {colour}: removing it would erase "
            f"{share:.0%} of the subject; {advice}."
        )


def _background_spread(rgb: np.ndarray, key: tuple[int, int, int]) -> float:
    """How far the border's background pixels stray from the key (its noise and shading)."""
    ring = key_distance(border_pixels(rgb)[None], key)[0]
    background = ring[ring < BACKGROUND_DISTANCE]
    if background.size == 0:
        return MIN_SPREAD
    return max(MIN_SPREAD, 2.0 * float(np.percentile(background, 95)))


def _envelope(kept: np.ndarray) -> np.ndarray:
    """``kept`` joined across gaps up to 1/32 of the shorter side, its holes filled."""
    radius = max(2, min(kept.shape) // 32)
    yy, xx = np.mgrid[-radius : radius + 1, -radius : radius + 1]
    disk = yy**2 + xx**2 <= radius**2
    # Padded so the closing's erosion does not eat kept pixels at the image border.
    padded = np.pad(kept, radius + 1)
    closed = ndimage.binary_closing(padded, structure=disk)
    inner = (slice(radius + 1, -radius - 1),) * 2
    return ndimage.binary_fill_holes(closed[inner])
