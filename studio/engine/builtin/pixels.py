"""Pixel conventions of the built-in models, for torch tensors.

Inside a model an image is premultiplied RGBA (RGB times alpha, then alpha) scaled to [-1, 1]:
transparent pixels are exactly zero colour, so the models never learn or emit colour noise in
the background. Outside, images are straight RGBA ``uint8`` with RGB zeroed where alpha is 0.
The conversion out of model space is numpy code shared with the numpy runtime
(:mod:`.numpy_runtime.pixels`), so both runtimes round alike.
"""

from __future__ import annotations

import numpy as np
import torch

from studio.engine.builtin.numpy_runtime.pixels import ALPHA_FLOOR, preview_rgb, rgba_uint8
from studio.imaging.pixels import upscale_nearest

__all__ = [
    "ALPHA_FLOOR",
    "model_to_rgba_uint8",
    "preview_rgb_uint8",
    "straight_uint8_to_model",
    "upscale_nearest",
]


def straight_uint8_to_model(images: np.ndarray | torch.Tensor) -> torch.Tensor:
    """``(N, S, S, 4)`` straight RGBA ``uint8`` -> ``(N, 4, S, S)`` premultiplied in [-1, 1]."""
    x = torch.as_tensor(np.asarray(images)).permute(0, 3, 1, 2).float() / 255.0
    rgb, alpha = x[:, :3], x[:, 3:]
    return torch.cat([rgb * alpha, alpha], dim=1) * 2.0 - 1.0


def model_to_rgba_uint8(x: torch.Tensor, crisp: bool = False) -> np.ndarray:
    """Model output ``(N, 4, S, S)`` -> straight RGBA ``uint8`` ``(N, S, S, 4)``.

    RGB is un-premultiplied where alpha > 0 and zeroed where the stored alpha is 0. With
    ``crisp``, alpha is then snapped to 0 or 1 at one half (the "alpha: crisp" option).
    """
    return rgba_uint8(x.detach().float().cpu().numpy(), crisp)


def preview_rgb_uint8(x: torch.Tensor) -> np.ndarray:
    """First image of a model-space batch on a checkerboard, ``(S, S, 3)`` ``uint8``."""
    return preview_rgb(x[:1].detach().float().cpu().numpy())
