"""A1111-style variation noise: blend a seed's noise with a variation seed's by slerp."""

from __future__ import annotations

import torch

from studio.engine.editing import slerp as _slerp


def slerp(t: float, low: torch.Tensor, high: torch.Tensor) -> torch.Tensor:
    """Spherical interpolation from ``low`` (``t = 0``) to ``high`` (``t = 1``), exact at both."""
    if t <= 0.0:
        return low
    if t >= 1.0:
        return high
    mixed = _slerp.slerp(
        t, low.detach().cpu().double().numpy(), high.detach().cpu().double().numpy()
    )
    return torch.from_numpy(mixed).to(low.device, low.dtype)


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
