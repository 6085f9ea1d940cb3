"""Colour names from pixels: a small fixed vocabulary, so "green" means green in every caption.

Captions name an image's colours from its opaque pixels, and the evaluation checks generated
sprites against the prompt's colour word with the same function: training and measurement
cannot disagree about what "teal" is.
"""

from __future__ import annotations

import numpy as np

from studio.domain.colour_words import COLOUR_WORDS  # the one colour vocabulary

HUE_WORDS = ("red", "orange", "yellow", "green", "teal", "blue", "purple", "pink")
# A representative straight-RGB colour per word, for recolouring and tests.
PALETTE: dict[str, tuple[tuple[int, int, int], ...]] = {
    "red": ((220, 38, 38), (185, 28, 40)),
    "orange": ((245, 130, 20), (230, 110, 30)),
    "yellow": ((250, 215, 40), (240, 200, 60)),
    "green": ((40, 170, 60), (90, 200, 70)),
    "teal": ((20, 170, 165), (40, 190, 180)),
    "blue": ((40, 90, 220), (50, 130, 230)),
    "purple": ((130, 60, 200), (110, 40, 170)),
    "pink": ((240, 110, 180), (250, 140, 200)),
    "brown": ((130, 80, 40), (110, 65, 35)),
    "black": ((25, 25, 30), (40, 40, 45)),
    "white": ((245, 245, 245), (235, 235, 240)),
    "grey": ((128, 128, 132), (150, 150, 155)),
}
OPAQUE = 128  # alpha (0-255) from which a pixel counts as part of the sprite
DOMINANT_SHARE = 0.25  # a colour is named when it covers this share of the opaque area


def rgb_to_hsv(rgb: np.ndarray) -> np.ndarray:
    """``(..., 3)`` RGB in [0, 1] -> ``(..., 3)`` hue in degrees [0, 360), saturation, value."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    v = rgb.max(axis=-1)
    c = v - rgb.min(axis=-1)
    s = np.where(v > 0, c / np.maximum(v, 1e-9), 0.0)
    safe = np.maximum(c, 1e-9)
    h = np.where(
        v == r, ((g - b) / safe) % 6.0, np.where(v == g, (b - r) / safe + 2.0, (r - g) / safe + 4.0)
    )
    h = np.where(c > 0, h * 60.0, 0.0)
    return np.stack([h % 360.0, s, v], axis=-1)


def name_colours(rgb: np.ndarray) -> np.ndarray:
    """Index into :data:`COLOUR_WORDS` for every ``(..., 3)`` RGB value in [0, 1]."""
    hsv = rgb_to_hsv(np.asarray(rgb, dtype=np.float64))
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    index = COLOUR_WORDS.index
    hue = np.select(
        [h < 15, h < 40, h < 68, h < 160, h < 195, h < 255, h < 290, h < 340],
        [index(w) for w in ("red", "orange", "yellow", "green", "teal", "blue", "purple", "pink")],
        default=index("red"),
    )
    # Dark oranges and yellows are what people call brown; pale reds are pink.
    warm = (h >= 15) & (h < 68)
    hue = np.where(warm & (v < 0.62), index("brown"), hue)
    reddish = (h < 15) | (h >= 340)
    hue = np.where(reddish & (s < 0.5) & (v > 0.7), index("pink"), hue)
    grey = np.where(v > 0.82, index("white"), np.where(v < 0.3, index("black"), index("grey")))
    out = np.where(s < 0.2, grey, hue)
    return np.where(v < 0.16, index("black"), out)


def dominant_colours(rgba: np.ndarray, limit: int = 2) -> list[str]:
    """The colour words covering at least :data:`DOMINANT_SHARE` of the opaque area, most first.

    Parameters
    ----------
    rgba
        ``(S, S, 4)`` straight RGBA ``uint8``.
    limit
        At most this many words. An image without opaque pixels has no colours.
    """
    opaque = rgba[..., 3] >= OPAQUE
    if not opaque.any():
        return []
    names = name_colours(rgba[..., :3][opaque].astype(np.float64) / 255.0)
    counts = np.bincount(names, minlength=len(COLOUR_WORDS)) / names.size
    order = np.argsort(-counts, kind="stable")
    words = [COLOUR_WORDS[i] for i in order if counts[i] >= DOMINANT_SHARE][:limit]
    return words or [COLOUR_WORDS[int(order[0])]]


def dominant_hue_word(rgba: np.ndarray) -> str | None:
    """The single most common colour word of the opaque area (``None`` if fully transparent)."""
    words = dominant_colours(rgba, limit=1)
    return words[0] if words else None


def caption_colour_words(caption: str) -> list[str]:
    """The vocabulary colour words a caption or prompt contains, in order."""
    tokens = caption.lower().replace(",", " ").split()
    aliases = {"gray": "grey", "golden": "yellow", "gold": "yellow", "violet": "purple"}
    words = [aliases.get(token, token) for token in tokens]
    return [word for word in words if word in COLOUR_WORDS]


def with_colour_words(caption: str, colours: list[str]) -> str:
    """``caption`` with the colour words it lacks put before its first part.

    ``"dragon head, game icon"`` + ``["red", "black"]`` -> ``"red and black dragon head, game
    icon"``. Words the caption already has are not repeated.
    """
    present = set(caption_colour_words(caption))
    missing = [word for word in colours if word not in present]
    if not missing:
        return caption
    return f"{' and '.join(missing)} {caption}"


def strip_hue_words(caption: str) -> str:
    """``caption`` without its hue words (for a hue-rotated copy that gets new ones)."""
    parts = []
    for part in caption.split(", "):
        kept = " ".join(w for w in part.split() if w.lower() not in HUE_WORDS)
        if kept:
            parts.append(kept)
    return ", ".join(parts)
