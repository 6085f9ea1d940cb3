"""Colour augmentation of the sprite dataset: colour words from pixels, recoloured copies.

Four things, each with its share in :class:`AugmentRecipe` (recorded in the manifest):

- every caption gets the dominant colours of its opaque area (:mod:`.colours`);
- single-colour sets (game-icons, pixelarticons) get copies tinted with palette colours as a
  fill, a vertical gradient or a fill with a darker outline, captioned with those colours;
- colour emoji get hue-rotated copies whose hue words are rewritten from the new pixels (a
  red apple turned green becomes "green apple");
- colour emoji get pixel-art copies (area-averaged to 16 or 32 px, alpha snapped to 0/1,
  enlarged again with nearest neighbour), and only these carry the words "pixel art".

Copies keep their source's concept and split, so the held-out split stays clean; no copy
teaches a (colour, object) pair of the held-out game prompts (:mod:`.game_prompts`).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from studio.domain.errors import InvalidRequestError
from studio.train.data.colours import (
    COLOUR_WORDS,
    HUE_WORDS,
    PALETTE,
    dominant_colours,
    rgb_to_hsv,
    strip_hue_words,
    with_colour_words,
)
from studio.train.data.game_prompts import is_heldout_caption, is_heldout_pair

SINGLE_COLOUR_SOURCES = {"gameicons": "silhouette", "pixelarticons": "line icon"}
COLOUR_SOURCES = ("fluent3d", "fluentflat", "noto")
PIXEL_SIDES = (16, 32)
MAX_SHARE = 8.0


@dataclass(frozen=True)
class AugmentRecipe:
    """How many augmented copies to add, as shares of the images they come from.

    Parameters
    ----------
    recolour_share
        Recoloured copies per single-colour icon (1.0: one each; 2.0: two each).
    hue_share
        Share of chromatic colour emoji that get a hue-rotated copy.
    pixel_share
        Share of colour emoji that get a pixel-art copy.
    seed
        Salt of the per-item random choices (same recipe, same dataset).
    """

    recolour_share: float = 1.0
    hue_share: float = 0.5
    pixel_share: float = 0.3
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("recolour_share", "hue_share", "pixel_share"):
            if not 0.0 <= getattr(self, name) <= MAX_SHARE:
                flag = "--" + name.replace("_", "-")
                raise InvalidRequestError(f"{flag} must be between 0 and {MAX_SHARE:g}.")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def augment(
    arrays: dict[int, np.ndarray], items: list[dict[str, Any]], recipe: AugmentRecipe
) -> tuple[dict[int, np.ndarray], list[dict[str, Any]]]:
    """Colour-captioned items plus augmented copies, for every size of ``arrays``.

    Parameters
    ----------
    arrays
        ``{size: (N, S, S, 4) uint8}`` straight RGBA; the largest size names the colours.
    items
        One dict per row (``caption``, ``source``, ``style``, ``key`` ...); not modified.

    Returns
    -------
    tuple
        ``(arrays, items)``: each original (captions with colour words, single-colour sets
        restyled) followed by its copies, images and items in the same order.
    """
    main = max(arrays)
    out_items: list[dict[str, Any]] = []
    # Rows in item order: each original, then its copies.
    out_images: dict[int, list[np.ndarray]] = {side: [] for side in arrays}
    for row, item in enumerate(items):
        source = item["source"]
        plain = dict(item)
        style = SINGLE_COLOUR_SOURCES.get(source)
        if style is not None:
            plain = _restyle(plain, style)
        colours = dominant_colours(arrays[main][row])
        out_items.append({**plain, "caption": with_colour_words(plain["caption"], colours)})
        for side in arrays:
            out_images[side].append(arrays[side][row])
        rng = _rng(recipe.seed, item["key"])
        copies = []
        if style is not None:
            copies += _recolours(arrays, row, plain, recipe.recolour_share, rng)
        elif source in COLOUR_SOURCES:
            if rng.random() < recipe.hue_share:
                copies += _hue_rotated(arrays, row, item, rng)
            if rng.random() < recipe.pixel_share:
                copies += _pixel_art(arrays, row, item, rng)
        for images, copy in copies:
            if is_heldout_caption(copy["caption"]):
                continue
            out_items.append(copy)
            for side in arrays:
                out_images[side].append(images[side])
    if len(out_items) == len(items):
        return dict(arrays), out_items
    return {side: np.stack(rows) for side, rows in out_images.items()}, out_items


def _rng(seed: int, key: str) -> np.random.Generator:
    digest = hashlib.sha256(f"recolour-{seed}:{key}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def _restyle(item: dict[str, Any], style: str) -> dict[str, Any]:
    # "pixel art" and "game icon" meant black line art in these sets; say what they are.
    parts = item["caption"].split(", ")
    if parts and parts[-1] == item["style"]:
        parts[-1] = style
    return {**item, "caption": ", ".join(parts), "style": style}


def _copy(item: dict[str, Any], tag: str, caption: str, style: str | None = None):
    return {
        **item,
        "caption": caption,
        "key": f"{item['key']}#{tag}",
        "style": style or item["style"],
    }


def _name(caption: str) -> str:
    return caption.split(", ")[0]


def _recolours(arrays, row, item, share: float, rng: np.random.Generator):
    count = int(share) + (1 if rng.random() < share - int(share) else 0)
    copies = []
    name = strip_hue_words(_name(item["caption"]))
    rest = item["caption"].split(", ")[1:]
    for index in range(count):
        fill = str(rng.choice(COLOUR_WORDS))
        if is_heldout_pair(fill, name):
            continue
        mode = ("fill", "gradient", "outline")[int(rng.integers(3))]
        first = PALETTE[fill][int(rng.integers(2))]
        if mode == "gradient":
            second_word = str(rng.choice([w for w in HUE_WORDS if w != fill]))
            second = PALETTE[second_word][0]
            images = {s: _tint(a[row], first, second) for s, a in arrays.items()}
            # An RGB blend passes through other hues (orange to teal is green in the middle):
            # the caption names what the pixels show, as the evaluation will.
            seen = dominant_colours(images[max(images)])
            if is_heldout_pair(seen[0], name):
                continue
            caption = ", ".join([f"{' and '.join(seen)} {name}", "gradient", *rest])
        elif mode == "outline":
            edge_word = "white" if fill in ("black", "brown", "purple", "blue") else "black"
            edge = PALETTE[edge_word][0]
            images = {s: _outlined(_tint(a[row], first, first), edge) for s, a in arrays.items()}
            caption = ", ".join([f"{fill} {name}", f"{edge_word} outline", *rest])
        else:
            images = {s: _tint(a[row], first, first) for s, a in arrays.items()}
            caption = ", ".join([f"{fill} {name}", *rest])
        copies.append((images, _copy(item, f"{mode}{index}", caption)))
    return copies


def _tint(image: np.ndarray, top: tuple[int, ...], bottom: tuple[int, ...]) -> np.ndarray:
    """A single-colour icon painted with a vertical gradient from ``top`` to ``bottom``."""
    side = image.shape[0]
    ramp = np.linspace(0.0, 1.0, side)[:, None, None]
    rgb = (1 - ramp) * np.array(top, float) + ramp * np.array(bottom, float)
    out = image.copy()
    out[..., :3] = np.broadcast_to(rgb, (side, side, 3)).round().astype(np.uint8)
    out[..., :3][out[..., 3] == 0] = 0
    return out


def _outlined(image: np.ndarray, edge: tuple[int, ...]) -> np.ndarray:
    """``image`` with a one-pixel ring of ``edge`` colour around its opaque area."""
    alpha = image[..., 3]
    padded = np.pad(alpha, 1)
    side = alpha.shape[0]
    grown = np.max(
        [padded[dy : dy + side, dx : dx + side] for dy in range(3) for dx in range(3)], axis=0
    )
    ring = (grown >= 128) & (alpha < 128)
    out = image.copy()
    out[ring] = (*edge, 255)
    return out


def _hue_rotated(arrays, row, item, rng: np.random.Generator):
    main = max(arrays)
    before = dominant_colours(arrays[main][row], limit=1)
    if not before or before[0] not in HUE_WORDS:
        return []
    degrees = float(rng.uniform(60.0, 300.0))
    images = {side: _rotate_hue(a[row], degrees) for side, a in arrays.items()}
    colours = dominant_colours(images[main])
    caption = with_colour_words(strip_hue_words(item["caption"]), colours)
    if any(is_heldout_pair(c, strip_hue_words(_name(item["caption"]))) for c in colours):
        return []
    return [(images, _copy(item, f"hue{round(degrees)}", caption))]


def _rotate_hue(image: np.ndarray, degrees: float) -> np.ndarray:
    rgb = image[..., :3].astype(np.float64) / 255.0
    hsv = rgb_to_hsv(rgb)
    h = (hsv[..., 0] + degrees) % 360.0
    out = image.copy()
    out[..., :3] = (_hsv_to_rgb(h, hsv[..., 1], hsv[..., 2]) * 255.0).round().astype(np.uint8)
    return out


def _hsv_to_rgb(h: np.ndarray, s: np.ndarray, v: np.ndarray) -> np.ndarray:
    k = lambda n: (n + h / 60.0) % 6.0  # noqa: E731  (the textbook formula, one line)
    f = lambda n: v - v * s * np.clip(np.minimum(k(n), 4.0 - k(n)), 0.0, 1.0)  # noqa: E731
    return np.stack([f(5.0), f(3.0), f(1.0)], axis=-1)


def _pixel_art(arrays, row, item, rng: np.random.Generator):
    main = max(arrays)
    low = int(rng.choice([s for s in PIXEL_SIDES if s < main]))
    small = _pixelate(arrays[main][row], low)
    images = {side: _nearest(small, side) for side in arrays}
    parts = item["caption"].split(", ")
    if parts and parts[-1] == item["style"]:
        parts = parts[:-1]
    colours = dominant_colours(images[main])
    caption = with_colour_words(", ".join([*parts, "pixel art"]), colours)
    return [(images, _copy(item, f"pixel{low}", caption, style="pixel art"))]


def _pixelate(image: np.ndarray, side: int) -> np.ndarray:
    """Area-average (premultiplied) to ``side`` px, alpha snapped to 0 or 255."""
    factor = image.shape[0] // side
    x = image.astype(np.float64) / 255.0
    premult = np.concatenate([x[..., :3] * x[..., 3:], x[..., 3:]], axis=-1)
    blocks = premult.reshape(side, factor, side, factor, 4).mean(axis=(1, 3))
    alpha = blocks[..., 3:]
    rgb = np.where(alpha > 0, blocks[..., :3] / np.maximum(alpha, 1e-9), 0.0)
    opaque = alpha >= 0.5
    out = np.concatenate([rgb * opaque, opaque.astype(np.float64)], axis=-1)
    return (out * 255.0).round().astype(np.uint8)


def _nearest(image: np.ndarray, side: int) -> np.ndarray:
    index = np.arange(side) * image.shape[0] // side
    return np.ascontiguousarray(image[index][:, index])
