"""Finding the flat key colour an image was generated on, from its border.

Models asked for "#00FF00" paint roughly (8, 162, 24), and not quite evenly; the key is the
median colour of the outer ring, accepted only when most of the ring is close to it.
"""

from __future__ import annotations

import numpy as np

from studio.domain.errors import InvalidRequestError

RING = 3
# Share of ring pixels that must sit near the median for the border to count as a flat key.
MIN_FLAT_SHARE = 0.6
NEAR_KEY = 60.0


def border_pixels(rgb: np.ndarray, ring: int = RING) -> np.ndarray:
    """The ``(N, 3)`` colours of the outer ``ring`` pixels of an image."""
    height, width = rgb.shape[:2]
    ring = max(1, min(ring, height // 4, width // 4))
    mask = np.ones((height, width), dtype=bool)
    mask[ring:-ring, ring:-ring] = False
    return rgb[mask].reshape(-1, 3)


def detect_key_colour(rgb: np.ndarray) -> tuple[int, int, int]:
    """The background key colour, from the image border.

    Raises
    ------
    InvalidRequestError
        If the border is not one flat colour (nothing to key out).
    """
    ring = border_pixels(rgb).astype(np.float64)
    median = np.median(ring, axis=0)
    share = float((np.linalg.norm(ring - median, axis=1) < NEAR_KEY).mean())
    if share < MIN_FLAT_SHARE:
        raise InvalidRequestError(
            "The image border is not one flat colour, so there is no background to key out "
            f"(only {share:.0%} of it is near {_hex(median)})."
        )
    return tuple(int(v) for v in np.rint(median))  # type: ignore[return-value]


def key_distance(rgb: np.ndarray, key: tuple[int, int, int]) -> np.ndarray:
    """Per-pixel distance to the key colour, in RGB units (0 is the key itself)."""
    return np.linalg.norm(rgb.astype(np.float64) - np.array(key, dtype=np.float64), axis=2)


def _hex(colour: np.ndarray) -> str:
    r, g, b = (int(v) for v in np.clip(np.rint(colour), 0, 255))
    return f"#{r:02x}{g:02x}{b:02x}"
