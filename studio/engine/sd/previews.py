"""Cheap RGB previews of latents while sampling, without running the VAE.

A fixed 4x3 linear map takes each latent pixel to RGB. The factors are the published ones
(fitted by Keturn for SD 1.x; SDXL's with a bias), as ComfyUI keeps them in
comfy/latent_formats.py. One latent pixel is one preview pixel, so a 512x512 image previews
at 64x64: a few microseconds of work and a 12 KiB copy per step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from studio.domain.models import ModelFamily

if TYPE_CHECKING:
    import torch

# Rows: latent channels 0..3; columns: R, G, B.
SD_LATENT_RGB = (
    (0.3512, 0.2297, 0.3227),
    (0.3250, 0.4974, 0.2350),
    (-0.2829, 0.1762, 0.2721),
    (-0.2120, -0.2616, -0.7177),
)
SD_LATENT_BIAS = (0.0, 0.0, 0.0)
SDXL_LATENT_RGB = (
    (0.3651, 0.4232, 0.4341),
    (-0.2533, -0.0042, 0.1068),
    (0.1076, 0.1111, -0.0362),
    (-0.3165, -0.2492, -0.2188),
)
SDXL_LATENT_BIAS = (0.1084, -0.0175, -0.0011)


def latent_factors(family: ModelFamily) -> tuple[np.ndarray, np.ndarray]:
    """``(4x3 factors, 3 bias)`` for a family (SD 1.x and 2.x share their VAE)."""
    if family is ModelFamily.SDXL:
        return np.array(SDXL_LATENT_RGB, np.float32), np.array(SDXL_LATENT_BIAS, np.float32)
    return np.array(SD_LATENT_RGB, np.float32), np.array(SD_LATENT_BIAS, np.float32)


def latent_preview(latents: torch.Tensor, family: ModelFamily) -> np.ndarray:
    """RGB preview of the first latent in a batch.

    Parameters
    ----------
    latents
        ``(B, 4, h, w)`` or ``(4, h, w)`` latents in the UNet's (scaled) space, on any device.
    family
        Decides the factors.

    Returns
    -------
    numpy.ndarray
        ``(h, w, 3)`` uint8 RGB.
    """
    import torch

    sample = latents[0] if latents.ndim == 4 else latents
    factors, bias = latent_factors(family)
    with torch.no_grad():
        weight = torch.from_numpy(factors).to(sample.device)
        offset = torch.from_numpy(bias).to(sample.device)
        rgb = torch.einsum("chw,cr->hwr", sample[:4].float(), weight) + offset
        rgb = ((rgb + 1.0) * 127.5).clamp(0, 255).nan_to_num(0.0).to(torch.uint8)
    return rgb.cpu().numpy()
