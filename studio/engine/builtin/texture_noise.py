"""Noise fields on a torus: every field here wraps left-right and top-bottom by construction.

Two kinds of periodic randomness make every texture of :mod:`.texture`:

- gaussian fields made by filtering white noise in the Fourier domain: the discrete Fourier
  transform treats the square as a torus, so the filtered field's left column continues its
  right one exactly, with no blending step that could leave a seam;
- cells (Worley/Voronoi) measured with wrap-around distances, so a cell cut by the right edge
  goes on at the left edge.

A :class:`NoiseSource` draws from the request's seed, so a seed repeats its texture and two
seeds differ; a variation seed bends the gaussian fields toward its own noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.engine.editing.slerp import slerp


class NoiseSource:
    """The random numbers of one texture: the seed's, and optionally a variation seed's.

    Parameters
    ----------
    seed
        The image's seed.
    variation_seed, variation_strength
        Gaussian draws are slerped toward the variation seed's draws by this strength;
        discrete choices (cell centres, brick tones) stay the seed's, as a variation keeps
        the parent's layout.
    """

    def __init__(
        self, seed: int, variation_seed: int | None = None, variation_strength: float = 0.0
    ) -> None:
        self.rng = np.random.default_rng(seed)
        self._other = None if variation_seed is None else np.random.default_rng(variation_seed)
        self._strength = variation_strength

    def normal(self, shape: tuple[int, ...]) -> np.ndarray:
        """Standard normal draws, bent toward the variation seed's when one is set."""
        base = self.rng.standard_normal(shape)
        if self._other is None or self._strength <= 0.0:
            return base
        return slerp(self._strength, base, self._other.standard_normal(shape))


def normalised(field: np.ndarray) -> np.ndarray:
    """``field`` stretched to [0, 1] (a constant field becomes one half)."""
    low, high = float(field.min()), float(field.max())
    if high - low < 1e-9:
        return np.full_like(field, 0.5)
    return (field - low) / (high - low)


def periodic_noise(
    noise: NoiseSource, size: int, scale: float, stretch: tuple[float, float] = (1.0, 1.0)
) -> np.ndarray:
    """A smooth periodic gaussian field ``(size, size)`` in [0, 1].

    Parameters
    ----------
    noise
        Where the white noise comes from.
    size
        Side of the square.
    scale
        Feature size as a share of the side (0.25: blobs about a quarter of the tile).
    stretch
        Feature length along ``(y, x)`` relative to ``scale``: ``(4, 0.5)`` makes thin vertical
        streaks (grass blades), ``(0.3, 4)`` long horizontal ones (wood grain).
    """
    white = noise.normal((size, size))
    fy = np.fft.fftfreq(size)[:, None] * size  # cycles per tile
    fx = np.fft.fftfreq(size)[None, :] * size
    # a gaussian low-pass whose width in cycles per tile is the inverse of the feature size
    wy, wx = 1.0 / max(scale * stretch[0], 1e-3), 1.0 / max(scale * stretch[1], 1e-3)
    gain = np.exp(-0.5 * ((fy / wy) ** 2 + (fx / wx) ** 2))
    return normalised(np.fft.ifft2(np.fft.fft2(white) * gain).real)


def detail_noise(noise: NoiseSource, size: int, octaves: tuple[float, ...]) -> np.ndarray:
    """Periodic fractal noise: ``periodic_noise`` at each scale, halving the weight each time."""
    total = np.zeros((size, size))
    weight = 1.0
    for scale in octaves:
        total += weight * periodic_noise(noise, size, scale)
        weight *= 0.5
    return normalised(total)


@dataclass(frozen=True)
class Cells:
    """A wrap-around Voronoi partition of the square.

    Attributes
    ----------
    index
        ``(size, size)`` the nearest centre of each pixel.
    edge
        ``(size, size)`` second-nearest minus nearest distance in pixels: 0 on a border.
    count
        Number of cells.
    """

    index: np.ndarray
    edge: np.ndarray
    count: int


def periodic_cells(noise: NoiseSource, size: int, count: int) -> Cells:
    """About ``count`` cells with jittered centres, distances measured around the torus.

    Centres sit on a jittered grid (not uniform draws) so the stones of a floor are of similar
    size, as a mason lays them.
    """
    per_side = max(1, round(count**0.5))
    step = size / per_side
    grid = (np.arange(per_side) + 0.5) * step
    cy, cx = np.meshgrid(grid, grid, indexing="ij")
    jitter = noise.rng.uniform(-0.38, 0.38, size=(2, per_side, per_side)) * step
    # the grid's phase is drawn too, so the tile's edge is no likelier to cut a border than
    # any line inside it
    phase = noise.rng.uniform(0.0, step, 2)
    centres = np.stack([cy + jitter[0] + phase[0], cx + jitter[1] + phase[1]], -1)
    centres = centres.reshape(-1, 2) % size
    ys, xs = np.mgrid[0:size, 0:size] + 0.5
    dy = np.abs(ys[..., None] - centres[:, 0])
    dx = np.abs(xs[..., None] - centres[:, 1])
    dy, dx = np.minimum(dy, size - dy), np.minimum(dx, size - dx)  # the torus
    distance = np.hypot(dy, dx)
    order = np.argsort(distance, axis=-1)
    nearest = np.take_along_axis(distance, order[..., :2], axis=-1)
    return Cells(order[..., 0], nearest[..., 1] - nearest[..., 0], len(centres))


def shifted_grid(noise: NoiseSource, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel rows and columns ``(size, size)`` each, shifted around the torus by a drawn phase.

    Layouts with a period (brick courses, plank rows) are laid on this grid so the seed also
    picks where a course starts, and the tile's edge is no likelier to fall on a joint than
    any line inside it.
    """
    ys, xs = np.mgrid[0:size, 0:size]
    dy, dx = noise.rng.integers(0, size, 2)
    return (ys + dy) % size, (xs + dx) % size
