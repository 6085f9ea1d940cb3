"""Differentiable augmentation for the GAN's discriminator (Zhao et al., 2020, "DiffAugment").

With a few thousand sprites a discriminator memorises the training set within minutes and its
gradients stop helping the generator. Augmenting real and generated images alike, with
operations that gradients flow through, keeps it honest without leaking augmentations into the
generator's outputs.

Images are premultiplied RGBA in [-1, 1]. Every operation keeps a transparent pixel transparent
(colour changes are scaled by alpha; translation and cutout fill with transparency).
"""

from __future__ import annotations

import torch


def diff_augment(images: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Colour jitter, translation by up to 1/8 of the side, and a cutout of half the side."""
    x = (images + 1.0) / 2.0
    x = _colour(x, generator)
    x = _translate(x, generator)
    x = _cutout(x, generator)
    return x * 2.0 - 1.0


def _uniform(x: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    return torch.rand((x.shape[0], 1, 1, 1), generator=generator).to(x.device)


def _colour(x: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    rgb, alpha = x[:, :3], x[:, 3:]
    rgb = rgb + (_uniform(x, generator) - 0.5) * alpha  # brightness
    grey = rgb.mean(dim=1, keepdim=True)
    rgb = (rgb - grey) * (_uniform(x, generator) * 2.0) + grey  # saturation
    mean = rgb.mean(dim=(1, 2, 3), keepdim=True) / alpha.mean(dim=(1, 2, 3), keepdim=True).clamp(
        min=1e-3
    )
    rgb = (rgb - mean * alpha) * (_uniform(x, generator) + 0.5) + mean * alpha  # contrast
    return torch.cat([rgb, alpha], dim=1)


def _translate(x: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    side = x.shape[-1]
    limit = max(1, round(side / 8))
    shifts = torch.randint(-limit, limit + 1, (x.shape[0], 2), generator=generator).tolist()
    padded = torch.nn.functional.pad(x, (limit, limit, limit, limit))
    crops = [
        padded[i, :, limit - dy : limit - dy + side, limit - dx : limit - dx + side]
        for i, (dy, dx) in enumerate(shifts)
    ]
    return torch.stack(crops)


def _cutout(x: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    b, _, h, w = x.shape
    half = h // 4  # a square of half the side, centred anywhere in the image
    centres = torch.randint(0, h, (b, 2), generator=generator).to(x.device)
    rows = torch.arange(h, device=x.device).view(1, h, 1)
    cols = torch.arange(w, device=x.device).view(1, 1, w)
    inside_rows = (rows - centres[:, 0].view(b, 1, 1)).abs() < half
    inside_cols = (cols - centres[:, 1].view(b, 1, 1)).abs() < half
    keep = ~(inside_rows & inside_cols)
    return x * keep.unsqueeze(1).to(x.dtype)
