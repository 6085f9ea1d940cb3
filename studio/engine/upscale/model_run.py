"""A loaded upscaler as a function on numpy patches, and the tile size its memory allows.

The tiler (:mod:`.tiles`) is torch-free; this is where a patch becomes a tensor on the model's
device and back. A one-channel patch (an alpha channel) goes through the colour model as a grey
image and comes back as the mean of the three channels it makes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from studio.engine.upscale.tiles import DEFAULT_OVERLAP, Infer

if TYPE_CHECKING:
    import torch
    from spandrel import ImageModelDescriptor

CPU_BUDGET = 512 * 1024 * 1024
MIN_TILE, MAX_TILE = 64, 1024
# Float32 bytes per source pixel of a tile: about 64 feature maps at the output resolution
# (scale squared) plus a few dozen at the source's. Generous for ESRGAN; SwinIR-class models
# carry more, which the GPU budget's margin (a quarter of the free memory) absorbs.
_MAPS_OUT, _MAPS_IN = 64, 128


def patch_runner(descriptor: ImageModelDescriptor[Any], device: torch.device) -> Infer:
    """``descriptor`` as an :data:`~.tiles.Infer` on ``device`` (float32, no autograd)."""
    import torch

    def infer(patch: np.ndarray) -> np.ndarray:
        grey = patch.shape[2] == 1
        data = np.repeat(patch, 3, axis=2) if grey else patch
        tensor = torch.from_numpy(np.ascontiguousarray(data.transpose(2, 0, 1)))[None]
        with torch.inference_mode():
            made = descriptor(tensor.to(device))[0].float().cpu().numpy()
        result = made.transpose(1, 2, 0)
        return result.mean(axis=2, keepdims=True) if grey else result

    return infer


def tile_side(device: torch.device, scale: int, overlap: int = DEFAULT_OVERLAP) -> int:
    """The core tile side whose patch (with its context) fits the device's memory budget.

    A quarter of the GPU's free memory, or :data:`CPU_BUDGET` on the CPU; clamped to
    ``MIN_TILE..MAX_TILE`` and rounded down to a multiple of 8.
    """
    budget = CPU_BUDGET
    if device.type == "cuda":
        import torch

        free, _total = torch.cuda.mem_get_info(device)
        budget = free // 4
    per_pixel = 4 * (_MAPS_OUT * scale * scale + _MAPS_IN)
    side = int((budget / per_pixel) ** 0.5) - 2 * overlap
    return max(MIN_TILE, min(MAX_TILE, side // 8 * 8))
