"""The built-in 2x sprite enlarger, run in numpy.

A 32 px sprite shown at 64 px with nearest neighbour is a 32 px sprite with big pixels: fine
for pixel art, but every other style looks like a mosaic, and edges that were smooth curves at
64 px in the icons the models learnt from come out as stairs. The enlarger is a small learnt
super-resolution network (the "Compact" layout of Real-ESRGAN, ``SRVGGNetCompact``: convolutions
at the small size, a pixel shuffle, and the nearest-neighbour enlargement added back), trained by
``studio train-enlarger`` on the dataset's 32 px -> 64 px pairs. Its file is spandrel's Compact
layout, so any spandrel-based tool can load it too; here it runs in numpy so the default model
stays free of torch (about 10 ms per sprite on one core).

It works in the models' own pixel space, premultiplied RGBA in [-1, 1], so transparent pixels
stay exactly transparent and edges do not pick up a dark fringe.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from studio.domain.errors import DamagedModelError
from studio.engine.builtin.numpy_runtime import ops
from studio.engine.builtin.numpy_runtime.pixels import rgba_uint8, straight_to_model
from studio.engine.builtin.numpy_runtime.weights import load_float32

ENLARGER_FILE = "enlarger.safetensors"
SCALE = 2


class NumpyEnlarger:
    """A Compact (SRVGG) 2x network's layers as numpy arrays. Use :meth:`load`."""

    def __init__(self, weights: dict[str, np.ndarray], source: Path | str = "enlarger") -> None:
        self.layers: list[tuple[str, np.ndarray, np.ndarray | None]] = []
        index = 0
        while f"body.{index}.weight" in weights:
            weight = weights[f"body.{index}.weight"]
            if weight.ndim == 4:
                self.layers.append(("conv", weight, weights[f"body.{index}.bias"]))
            elif weight.ndim == 1:
                self.layers.append(("prelu", weight, None))
            else:
                raise DamagedModelError(f"{source} is not a Compact 2x enlarger: reinstall it.")
            index += 1
        last = self.layers[-1][1] if self.layers else None
        first = self.layers[0][1] if self.layers else None
        if (
            first is None
            or last is None
            or self.layers[-1][0] != "conv"
            or last.shape[0] != first.shape[1] * SCALE * SCALE
        ):
            raise DamagedModelError(f"{source} is not a Compact 2x enlarger: reinstall it.")
        self.channels = int(first.shape[1])

    @classmethod
    def load(cls, folder: Path) -> NumpyEnlarger | None:
        """The enlarger in a model folder, or ``None`` when the folder has none.

        Raises
        ------
        DamagedModelError
            If the file is there but unreadable or of another layout.
        """
        path = folder / ENLARGER_FILE
        if not path.exists():
            return None
        return cls(load_float32(path), path)

    def forward(self, x: np.ndarray, wrap: tuple[bool, bool] = (False, False)) -> np.ndarray:
        """Model space ``(N, 4, S, S)`` -> model space ``(N, 4, 2S, 2S)``.

        ``wrap`` pads circularly along x / y, so a seamless tile stays seamless.
        """
        out = x.astype(np.float32, copy=False)
        for kind, weight, bias in self.layers:
            if kind == "conv":
                out = ops.conv2d(out, weight, bias, wrap=wrap)
            else:
                out = np.where(out >= 0, out, weight[None, :, None, None] * out)
        return pixel_shuffle(out, SCALE) + ops.upsample_nearest_2x(x)

    def enlarge(self, rgba: np.ndarray, wrap: tuple[bool, bool] = (False, False)) -> np.ndarray:
        """Straight RGBA ``uint8`` ``(S, S, 4)`` -> ``(2S, 2S, 4)``, alpha left soft."""
        with ops.one_blas_thread():
            return rgba_uint8(self.forward(straight_to_model(rgba[None]), wrap))[0]


def pixel_shuffle(x: np.ndarray, scale: int) -> np.ndarray:
    """``nn.PixelShuffle(scale)`` on NCHW: ``(N, C*r*r, H, W)`` -> ``(N, C, H*r, W*r)``."""
    n, channels, h, w = x.shape
    c = channels // (scale * scale)
    grouped = x.reshape(n, c, scale, scale, h, w).transpose(0, 1, 4, 2, 5, 3)
    return grouped.reshape(n, c, h * scale, w * scale)
