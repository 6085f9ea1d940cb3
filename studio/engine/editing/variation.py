"""A1111-style variation noise: blend a seed's noise with a variation seed's by slerp.

Gaussian noise in many dimensions lives near a sphere; a straight line between two samples
passes inside it (the blend would be too quiet and blurry), a spherical interpolation stays on
it, so every strength gives noise the model knows how to denoise.
"""

from __future__ import annotations

import torch


def slerp(t: float, low: torch.Tensor, high: torch.Tensor) -> torch.Tensor:
    """Spherical interpolation from ``low`` (``t = 0``) to ``high`` (``t = 1``), exact at both."""
    if t <= 0.0:
        return low
    if t >= 1.0:
        return high
    low_flat, high_flat = low.flatten().double(), high.flatten().double()
    cos = torch.dot(low_flat / low_flat.norm(), high_flat / high_flat.norm()).clamp(-1.0, 1.0)
    omega = torch.arccos(cos)
    if float(omega.sin().abs()) < 1e-6:  # (anti)parallel: fall back to a straight blend
        mixed = (1.0 - t) * low.double() + t * high.double()
    else:
        mixed = torch.sin((1.0 - t) * omega) * low.double() + torch.sin(t * omega) * high.double()
        mixed = mixed / omega.sin()
    return mixed.to(low.dtype)


def variation_noise(
    base: torch.Tensor, variation_seed: int | None, strength: float
) -> torch.Tensor:
    """``base`` (the seed's noise) blended toward the variation seed's noise by ``strength``.

    The variation seed's noise is drawn on the CPU with its own generator, the same shape as
    ``base``, so it does not depend on the device.
    """
    if variation_seed is None or strength <= 0.0:
        return base
    generator = torch.Generator(device="cpu").manual_seed(variation_seed)
    other = torch.randn(base.shape, generator=generator, dtype=torch.float32)
    return slerp(strength, base, other.to(base.device, base.dtype))
