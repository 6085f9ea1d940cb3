"""Error-diffusion dithering (Floyd-Steinberg, Atkinson) compiled with numba.

Each pixel's choice depends on the error its neighbours pushed onto it, so the scan cannot be
vectorised; per-pixel Python took about 5 s at 512 px. The same loop compiled by numba takes
milliseconds. numba comes with pymatting; it is imported only when an error-diffusion dither is
asked for (``studio --help`` and the first window never wait for it), and its machine code is
cached in Studio's cache folder (:func:`configure_numba_cache`) so only the first run compiles.

The compiled loop does the same float64 operations in the same order as the Python loop it
replaced, so its output is bit-identical (tests/imaging/test_dither_diffusion.py keeps that
loop as the reference).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from studio.imaging.matte.solver_env import configure_numba_cache

# (dy, dx, weight) of the error each method pushes to pixels not yet visited.
FLOYD_STEINBERG = ((0, 1, 7 / 16), (1, -1, 3 / 16), (1, 0, 5 / 16), (1, 1, 1 / 16))
# Atkinson spreads only 6/8 of the error, which keeps flat areas flat and contrast high.
ATKINSON = tuple((dy, dx, 1 / 8) for dy, dx in ((0, 1), (0, 2), (1, -1), (1, 0), (1, 1), (2, 0)))

_compiled: list[Callable[..., Any]] = []


def error_diffusion(
    rgb: np.ndarray,
    colours: np.ndarray,
    weights: np.ndarray,
    kernel: tuple[tuple[int, int, float], ...],
    visible: np.ndarray | None,
) -> np.ndarray:
    """Palette index of every pixel, the quantisation error pushed along ``kernel``.

    Parameters
    ----------
    rgb
        ``(H, W, 3)`` ``float64`` colours (not modified).
    colours
        ``(N, 3)`` ``float64`` palette.
    weights
        ``(3,)`` ``float64`` weight of each channel in the colour distance.
    kernel
        ``(dy, dx, weight)`` of each neighbour the error goes to.
    visible
        ``(H, W)`` ``bool``, or ``None`` when every pixel is visible; a hidden pixel neither
        takes nor passes on error, so sprite edges stay clean.
    """
    height, width = rgb.shape[:2]
    shown = np.ones((height, width), dtype=np.bool_) if visible is None else visible
    offsets = np.array([(dy, dx) for dy, dx, _ in kernel], dtype=np.int64)
    shares = np.array([weight for _, _, weight in kernel], dtype=np.float64)
    return _kernel()(
        np.ascontiguousarray(rgb, dtype=np.float64),
        np.ascontiguousarray(colours, dtype=np.float64),
        np.ascontiguousarray(weights, dtype=np.float64),
        offsets,
        shares,
        np.ascontiguousarray(shown, dtype=np.bool_),
    )


def _kernel() -> Callable[..., Any]:
    """The compiled loop, built (or loaded from numba's cache) on first use."""
    if not _compiled:
        if "numba" not in sys.modules:
            configure_numba_cache()
        import numba

        _compiled.append(numba.njit(cache=True, nogil=True)(_diffuse))
    return _compiled[0]


def _diffuse(
    rgb: np.ndarray,
    colours: np.ndarray,
    weights: np.ndarray,
    offsets: np.ndarray,
    shares: np.ndarray,
    visible: np.ndarray,
) -> np.ndarray:
    # Written for numba: plain loops, and every sum in the order numpy summed it before
    # ((a + b) + c over the channels), so the result does not move by one bit.
    height, width = rgb.shape[0], rgb.shape[1]
    work = rgb.copy()
    indices = np.zeros((height, width), dtype=np.int64)
    old = np.empty(3)
    for y in range(height):
        for x in range(width):
            for c in range(3):
                old[c] = min(max(work[y, x, c], 0.0), 255.0)
            best = 0
            best_distance = np.inf
            for index in range(colours.shape[0]):
                d0 = colours[index, 0] - old[0]
                d1 = colours[index, 1] - old[1]
                d2 = colours[index, 2] - old[2]
                distance = d0 * d0 * weights[0] + d1 * d1 * weights[1] + d2 * d2 * weights[2]
                if distance < best_distance:  # the first of equal distances, like argmin
                    best, best_distance = index, distance
            indices[y, x] = best
            if not visible[y, x]:
                continue
            for k in range(offsets.shape[0]):
                ny, nx = y + offsets[k, 0], x + offsets[k, 1]
                if 0 <= ny < height and 0 <= nx < width:
                    for c in range(3):
                        work[ny, nx, c] += (old[c] - colours[best, c]) * shares[k]
    return indices
