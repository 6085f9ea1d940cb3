"""Pixel conventions of the built-in models.

Inside a model an image is premultiplied RGBA (RGB times alpha, then alpha) scaled to [-1, 1]:
transparent pixels are exactly zero colour, so the models never learn or emit colour noise in
the background. Outside, images are straight RGBA ``uint8`` with RGB zeroed where alpha is 0.
"""

from __future__ import annotations

import numpy as np
import torch

from studio.imaging.pixels import upscale_nearest  # noqa: F401  (re-exported for the backend)

# Alpha below this (about 3/255) is snapped to fully transparent: a generator's background
# hovers near zero, and an icon with a faint haze instead of real transparency is useless to
# an artist.
ALPHA_FLOOR = 0.012
CHECKER_LIGHT, CHECKER_DARK = 0.80, 0.60


def straight_uint8_to_model(images: np.ndarray | torch.Tensor) -> torch.Tensor:
    """``(N, S, S, 4)`` straight RGBA ``uint8`` -> ``(N, 4, S, S)`` premultiplied in [-1, 1]."""
    x = torch.as_tensor(np.asarray(images)).permute(0, 3, 1, 2).float() / 255.0
    rgb, alpha = x[:, :3], x[:, 3:]
    return torch.cat([rgb * alpha, alpha], dim=1) * 2.0 - 1.0


def model_to_premultiplied(x: torch.Tensor) -> torch.Tensor:
    """Model output in [-1, 1] -> premultiplied RGBA in [0, 1], RGB <= alpha, clean floor."""
    x = ((x.float() + 1.0) / 2.0).clamp(0.0, 1.0)
    alpha = x[:, 3:]
    alpha = torch.where(alpha < ALPHA_FLOOR, torch.zeros_like(alpha), alpha)
    rgb = torch.minimum(x[:, :3], alpha)
    return torch.cat([rgb, alpha], dim=1)


def model_to_rgba_uint8(x: torch.Tensor, crisp: bool = False) -> np.ndarray:
    """Model output ``(N, 4, S, S)`` -> straight RGBA ``uint8`` ``(N, S, S, 4)``.

    RGB is un-premultiplied where alpha > 0 and zeroed where the stored alpha is 0. With
    ``crisp``, alpha is then snapped to 0 or 1 at one half (the "alpha: crisp" option).
    """
    premult = model_to_premultiplied(x)
    rgb, alpha = premult[:, :3], premult[:, 3:]
    straight = torch.where(alpha > 0, rgb / alpha.clamp_min(1e-6), torch.zeros_like(rgb))
    if crisp:
        alpha = (alpha >= 0.5).to(alpha.dtype)
    rgba = torch.cat([straight.clamp(0.0, 1.0), alpha], dim=1)
    out = (rgba * 255.0).round().to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy()
    out[..., :3][out[..., 3] == 0] = 0
    return np.ascontiguousarray(out)


def checkerboard(size: int, cell: int | None = None) -> torch.Tensor:
    """``(1, 3, size, size)`` grey checkerboard that shows where an image is transparent."""
    cell = cell or max(2, size // 8)
    idx = torch.arange(size) // cell
    board = ((idx[:, None] + idx[None, :]) % 2).float()
    grey = CHECKER_LIGHT - (CHECKER_LIGHT - CHECKER_DARK) * board
    return grey.expand(1, 3, size, size).clone()


def preview_rgb_uint8(x: torch.Tensor) -> np.ndarray:
    """First image of a model-space batch on a checkerboard, ``(S, S, 3)`` ``uint8``."""
    premult = model_to_premultiplied(x[:1].detach())
    rgb, alpha = premult[:, :3], premult[:, 3:]
    composite = rgb + (1.0 - alpha) * checkerboard(premult.shape[-1]).to(rgb.device)
    out = (composite.clamp(0, 1) * 255.0).round().to(torch.uint8)[0].permute(1, 2, 0)
    return np.ascontiguousarray(out.cpu().numpy())
