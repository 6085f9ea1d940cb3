"""Latent previews: cheap, the right shape, family-specific factors."""

from __future__ import annotations

import numpy as np
import torch

from studio.domain.models import ModelFamily
from studio.engine.sd.previews import latent_preview


def test_preview_is_uint8_rgb_at_latent_size() -> None:
    latents = torch.randn(2, 4, 12, 16)
    preview = latent_preview(latents, ModelFamily.SD1)
    assert preview.shape == (12, 16, 3) and preview.dtype == np.uint8


def test_preview_follows_the_published_factors() -> None:
    latents = torch.zeros(1, 4, 2, 2)
    latents[0, 3] = -1.0  # channel 3 pushes SD 1.x previews strongly toward blue
    preview = latent_preview(latents, ModelFamily.SD1).astype(int)
    assert preview[0, 0, 2] > preview[0, 0, 0] > 127
    xl = latent_preview(latents, ModelFamily.SDXL)
    assert not np.array_equal(xl, preview.astype(np.uint8))  # SDXL has its own factors and bias


def test_nan_latents_give_a_black_preview_not_an_error() -> None:
    preview = latent_preview(torch.full((4, 3, 3), float("nan")), ModelFamily.SD2)
    assert preview.max() == 0
