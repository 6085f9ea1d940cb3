"""Opaque seamless textures from a prompt: a material's structure laid out on a torus, coloured.

Every structure is built from the periodic fields of :mod:`.texture_noise` and from layouts
whose periods divide the side (brick courses, plank rows), so the tile wraps left-right and
top-bottom with no seam; nothing is blended or mirrored after the fact. A structure gives two
fields in [0, 1]: ``value`` (where on the material's ramp a pixel lies, dark to light) and
``accent`` (how much of the accent colour covers it: mortar, cracks, foam). The style then
maps them to colours: a continuous ramp, a few hard steps for pixel art, broad steps for flat.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from studio.engine.builtin.texture_looks import TextureSpec
from studio.engine.builtin.texture_noise import (
    NoiseSource,
    detail_noise,
    normalised,
    periodic_cells,
    periodic_noise,
    shifted_grid,
)

Fields = tuple[np.ndarray, np.ndarray]  # value, accent; (size, size) each, in [0, 1]


def synthesise(spec: TextureSpec, size: int, noise: NoiseSource) -> np.ndarray:
    """A ``(size, size, 4)`` ``uint8`` tile of ``spec``, alpha 255 everywhere.

    Parameters
    ----------
    spec
        The material, colours and style read from the prompt.
    size
        Side in pixels (the model's native size; the backend enlarges it).
    noise
        The seed's random numbers.
    """
    value, accent = _STRUCTURES[spec.look.structure](spec, size, noise)
    rgb = _coloured(spec, value, accent)
    alpha = np.full((size, size, 1), 255, np.uint8)
    return np.concatenate([rgb, alpha], axis=-1)


def _cells(spec: TextureSpec, size: int, noise: NoiseSource) -> Fields:
    """Stones set in mortar: a tone per stone, bevelled toward its border, grainy inside."""
    count = {"cobblestone": 16, "ice": 6}.get(spec.material, 9)
    cells = periodic_cells(noise, size, count)
    tone = noise.rng.uniform(0.2, 0.8, cells.count)[cells.index]
    radius = size / count**0.5 / 2
    bevel = np.clip(cells.edge / (0.6 * radius), 0.0, 1.0)  # 0 at the border, 1 inside
    grain = detail_noise(noise, size, (0.2, 0.07))
    value = np.clip(0.55 * tone + 0.25 * bevel + 0.3 * (grain - 0.5) + 0.1, 0.0, 1.0)
    # wide enough that a border never breaks into dots at 32 px
    width = max(1.4, size / 24)
    accent = np.clip(1.5 - cells.edge / width, 0.0, 1.0)
    return value, accent


def _streaks(spec: TextureSpec, size: int, noise: NoiseSource) -> Fields:
    """Blades or brushed lines: noise much longer along one axis, over soft patches."""
    across = spec.material == "metal"
    stretch = (0.25, 6.0) if across else (3.5, 0.25)
    blades = periodic_noise(noise, size, 0.08, stretch)
    patches = periodic_noise(noise, size, 0.45)
    value = normalised(0.65 * blades + 0.35 * patches)
    accent = np.zeros_like(value)  # no mortar: blades and lines run on unbroken
    return value, accent


def _rows(spec: TextureSpec, size: int, noise: NoiseSource) -> Fields:
    """Brick courses: four rows of two bricks, each row shifted half a brick."""
    courses, per_row = 4, 2
    ys, xs = shifted_grid(noise, size)
    row = ys * courses // size
    shift = (row % 2) * (size // (2 * per_row))
    brick = ((xs + shift) % size) * per_row // size
    tones = noise.rng.uniform(0.25, 0.75, (courses, per_row))[row, brick]
    grain = detail_noise(noise, size, (0.15, 0.05))
    value = np.clip(0.6 * tones + 0.5 * (grain - 0.5) + 0.2, 0.0, 1.0)
    mortar = max(1, size // 32)
    in_row = ys % (size // courses)
    in_brick = (xs + shift) % (size // per_row)
    accent = ((in_row < mortar) | (in_brick < mortar)).astype(float)
    return value, accent


def _planks(spec: TextureSpec, size: int, noise: NoiseSource) -> Fields:
    """Floor boards: rows of long planks with grain and rings, one butt joint in each row."""
    boards = 4
    ys, xs = shifted_grid(noise, size)
    row = ys * boards // size
    grain = periodic_noise(noise, size, 0.1, (0.2, 5.0))
    rings = 0.5 + 0.5 * np.sin(2 * np.pi * (3 * grain + row * 0.37))
    joints = noise.rng.integers(0, size, boards)[row]
    tones = noise.rng.uniform(0.3, 0.7, boards)[row]
    value = np.clip(0.5 * tones + 0.35 * rings + 0.25 * (grain - 0.5) + 0.1, 0.0, 1.0)
    gap = max(1, size // 32)
    accent = ((ys % (size // boards) < gap) | ((xs - joints) % size < gap)).astype(float)
    return value, accent


def _smooth(spec: TextureSpec, size: int, noise: NoiseSource) -> Fields:
    """Water, sand, dirt, snow, moss: broad soft shapes over fine grain."""
    broad = periodic_noise(noise, size, 0.35)
    fine = periodic_noise(noise, size, 0.05)
    if spec.material == "water":
        # ripples: thin bright lines where a mid-scale field crosses its middle
        ripples = periodic_noise(noise, size, 0.25, (0.6, 1.6))
        accent = np.clip(1.0 - np.abs(ripples - 0.5) / 0.08, 0.0, 1.0) * (broad > 0.5)
        return normalised(0.7 * broad + 0.3 * ripples), accent * 0.8
    grain = {"sand": 0.45, "dirt": 0.4, "snow": 0.2}.get(spec.material, 0.35)
    value = normalised((1 - grain) * broad + grain * fine)
    specks = noise.rng.random((size, size))
    accent = (
        (specks > 0.97).astype(float) if spec.material in ("dirt", "sand") else np.zeros_like(value)
    )
    return value, accent


def _glow(spec: TextureSpec, size: int, noise: NoiseSource) -> Fields:
    """A cooled crust broken into plates, molten light in the cracks between them."""
    cells = periodic_cells(noise, size, 7)
    crust = detail_noise(noise, size, (0.25, 0.08))
    tone = noise.rng.uniform(0.3, 0.9, cells.count)[cells.index]
    value = np.clip(0.5 * tone + 0.5 * crust, 0.0, 1.0)
    heat = periodic_noise(noise, size, 0.3)
    width = max(1.0, size / 20) * (0.6 + heat)
    accent = np.clip(1.0 - cells.edge / width, 0.0, 1.0) ** 0.7
    return value, accent


_STRUCTURES: dict[str, Callable[[TextureSpec, int, NoiseSource], Fields]] = {
    "cells": _cells,
    "streaks": _streaks,
    "rows": _rows,
    "planks": _planks,
    "smooth": _smooth,
    "glow": _glow,
}


def _coloured(spec: TextureSpec, value: np.ndarray, accent: np.ndarray) -> np.ndarray:
    """Map the fields to RGB ``uint8`` through the ramp, as the style says."""
    ramp = np.asarray(spec.look.ramp, dtype=float)
    steps = len(ramp) - 1
    if spec.style == "pixel art":
        # a handful of hard-edged colours, as a pixel artist's ramp
        rgb = ramp[np.clip(np.rint(value * steps), 0, steps).astype(int)]
        accent = (accent > 0.5).astype(float)
    elif spec.style == "flat":
        rgb = ramp[np.where(value < 0.5, 1, 2)]
        accent = (accent > 0.5).astype(float)
    else:
        position = value * steps
        low = np.clip(np.floor(position).astype(int), 0, steps - 1)
        t = (position - low)[..., None]
        rgb = ramp[low] * (1 - t) + ramp[low + 1] * t
    colour = np.asarray(spec.look.accent, dtype=float)
    if spec.look.structure == "glow":
        # the hottest middle of a crack runs toward white-yellow
        colour = colour + (np.array([255.0, 230.0, 140.0]) - colour) * (accent[..., None] ** 3)
    mixed = rgb * (1 - accent[..., None]) + colour * accent[..., None]
    return np.clip(np.rint(mixed), 0, 255).astype(np.uint8)
