"""A palette taken from an image: k-means on its visible colours."""

from __future__ import annotations

import numpy as np

from studio.domain.errors import InvalidRequestError
from studio.imaging.palettes.model import MAX_COLOURS, Palette, unique_colours

_MAX_SAMPLES = 20_000


def palette_from_image(
    pixels: np.ndarray, count: int, *, name: str = "from image", seed: int = 0
) -> Palette:
    """The ``count`` colours that best summarise an image (k-means in RGB).

    Parameters
    ----------
    pixels
        ``(H, W, 3)`` or ``(H, W, 4)`` ``uint8``; pixels with alpha below 128 are ignored.
    count
        Colours wanted, 1-256. Fewer come back when the image has fewer distinct colours.
    seed
        Seeds the k-means++ start, so the same image gives the same palette.
    """
    if not 1 <= count <= MAX_COLOURS:
        raise InvalidRequestError(f"A palette from an image has 1-256 colours, not {count}.")
    rgb = pixels[:, :, :3].reshape(-1, 3)
    if pixels.shape[2] == 4:
        rgb = rgb[pixels[:, :, 3].reshape(-1) >= 128]
    if len(rgb) == 0:
        raise InvalidRequestError("The image has no visible pixels to take colours from.")
    distinct = np.unique(rgb, axis=0)
    if len(distinct) <= count:
        return Palette(name, unique_colours([_rgb(c) for c in distinct]))
    rng = np.random.default_rng(seed)
    if len(rgb) > _MAX_SAMPLES:
        rgb = rgb[rng.choice(len(rgb), _MAX_SAMPLES, replace=False)]
    centres = kmeans(rgb.astype(np.float64), count, rng)
    colours = [_rgb(np.clip(np.rint(c), 0, 255)) for c in centres]
    return Palette(name, unique_colours(colours))


def kmeans(
    points: np.ndarray, k: int, rng: np.random.Generator, iterations: int = 30
) -> np.ndarray:
    """Lloyd's k-means with a k-means++ start; returns ``(k, D)`` centres, most used first."""
    centres = _kmeans_plus_plus(points, k, rng)
    labels = np.zeros(len(points), dtype=np.int64)
    for _ in range(iterations):
        distances = ((points[:, np.newaxis, :] - centres[np.newaxis]) ** 2).sum(axis=2)
        new_labels = distances.argmin(axis=1)
        if np.array_equal(new_labels, labels) and _ > 0:
            break
        labels = new_labels
        for index in range(k):
            members = points[labels == index]
            if len(members):
                centres[index] = members.mean(axis=0)
    order = np.argsort(-np.bincount(labels, minlength=k), kind="stable")
    return centres[order]


def _kmeans_plus_plus(points: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    centres = [points[rng.integers(len(points))]]
    for _ in range(1, k):
        distances = np.min(
            ((points[:, np.newaxis, :] - np.array(centres)[np.newaxis]) ** 2).sum(axis=2), axis=1
        )
        total = distances.sum()
        if total == 0:
            centres.append(points[rng.integers(len(points))])
            continue
        centres.append(points[rng.choice(len(points), p=distances / total)])
    return np.array(centres, dtype=np.float64)


def _rgb(values: np.ndarray) -> tuple[int, int, int]:
    red, green, blue = (int(v) for v in values)
    return red, green, blue
