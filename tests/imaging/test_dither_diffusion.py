"""Compiled Floyd-Steinberg and Atkinson give exactly what the per-pixel Python loop gave.

``_reference`` is that loop as it stood in ``studio/imaging/pixelart/dither.py`` before it was
compiled with numba; it stays here as the yardstick, byte for byte.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from studio.imaging.palettes import BUILTIN_PALETTES
from studio.imaging.pixelart import quantize
from studio.imaging.pixelart.diffusion import ATKINSON, FLOYD_STEINBERG
from studio.imaging.pixelart.dither import CHANNEL_WEIGHTS

_KERNELS = {"floyd-steinberg": FLOYD_STEINBERG, "atkinson": ATKINSON}


def _reference(rgb, colours, kernel, visible):  # type: ignore[no-untyped-def]
    height, width = rgb.shape[:2]
    work = rgb.copy()
    indices = np.zeros((height, width), dtype=np.int64)
    weights = np.array([0.30, 0.59, 0.11]) * 3
    for y in range(height):
        for x in range(width):
            old = np.clip(work[y, x], 0, 255)
            index = int((((colours - old) ** 2) * weights).sum(axis=1).argmin())
            indices[y, x] = index
            if visible is not None and not visible[y, x]:
                continue
            error = old - colours[index]
            for dy, dx, weight in kernel:
                ny, nx = y + dy, x + dx
                if 0 <= ny < height and 0 <= nx < width:
                    work[ny, nx] += error * weight
    return indices


def _images() -> list[np.ndarray]:
    rng = np.random.default_rng(22)
    noise = rng.integers(0, 256, size=(23, 31, 4), dtype=np.uint8)  # alpha noise: holes
    gradient = np.zeros((17, 40, 4), dtype=np.uint8)
    gradient[:, :, :3] = np.linspace(0, 255, 40, dtype=np.uint8)[np.newaxis, :, np.newaxis]
    gradient[:, :, 3] = 255
    grey = np.full((12, 12, 3), 127, dtype=np.uint8)  # no alpha: every pixel takes error
    sky = np.zeros((32, 32, 4), dtype=np.uint8)
    sky[:, :, 0] = np.arange(32)[:, np.newaxis] * 8
    sky[:, :, 1] = np.arange(32)[np.newaxis, :] * 8
    sky[:, :, 2] = 200
    sky[:, :, 3] = 255
    sky[8:14, 20:30, 3] = 0  # a transparent hole neither takes nor passes error
    return [noise, gradient, grey, sky]


@pytest.mark.parametrize("dither", sorted(_KERNELS))
@pytest.mark.parametrize("palette", ["PICO-8", "Game Boy", "NES"])
def test_compiled_dither_is_bit_identical_to_the_python_loop(dither: str, palette: str) -> None:
    chosen = BUILTIN_PALETTES[palette]
    colours = chosen.array().astype(np.float64)
    for pixels in _images():
        visible = pixels[:, :, 3] >= 128 if pixels.shape[2] == 4 else None
        expected = pixels.copy()
        indices = _reference(
            pixels[:, :, :3].astype(np.float64), colours, _KERNELS[dither], visible
        )
        expected[:, :, :3] = colours[indices].astype(np.uint8)
        np.testing.assert_array_equal(quantize(pixels, chosen, dither), expected)


def test_the_reference_weights_are_the_ones_quantize_uses() -> None:
    np.testing.assert_array_equal(CHANNEL_WEIGHTS, np.array([0.30, 0.59, 0.11]) * 3)


def test_numba_is_imported_only_when_an_error_diffusion_dither_runs() -> None:
    code = (
        "import sys; import numpy as np\n"
        "from studio.imaging.palettes import BUILTIN_PALETTES\n"
        "from studio.imaging.pixelart import quantize\n"
        "pixels = np.zeros((4, 4, 4), dtype=np.uint8)\n"
        "quantize(pixels, BUILTIN_PALETTES['PICO-8'], 'bayer4')\n"
        "print('numba' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
