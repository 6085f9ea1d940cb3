"""What every built-in family's ``generate`` takes and returns.

Each family module exposes a model with ``count_steps(settings) -> int`` and
``generate(cond, generator, settings, on_step) -> SamplingResult``. ``cond`` always holds two
rows, the prompt and the unconditional text (the negative prompt, or the learned null prompt);
families without guidance use only the first row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch

# (steps done, steps in total, current estimate of the image in model space or None)
StepCallback = Callable[[int, int, torch.Tensor | None], None]


@dataclass(frozen=True)
class SampleSettings:
    """The request's knobs, as a family sees them.

    Parameters
    ----------
    steps
        Denoising steps (diffusion); other families ignore it.
    cfg_scale
        Classifier-free guidance scale (diffusion, ar); 1 means no guidance.
    sampler
        Canonical sampler name from :mod:`studio.domain.samplers` (diffusion).
    variation_seed, variation_strength
        Blend the starting noise toward this seed's noise (families that start from noise).
    known, known_mask
        Inpainting (diffusion): ``(1, 4, S, S)`` model-space image and ``(1, 1, S, S)`` mask,
        1 where the model paints; outside it the known image, re-noised, is kept each step.
    """

    steps: int = 25
    cfg_scale: float = 3.0
    sampler: str = "DPM++ 2M"
    variation_seed: int | None = None
    variation_strength: float = 0.0
    known: torch.Tensor | None = field(default=None, compare=False, repr=False)
    known_mask: torch.Tensor | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, eq=False)
class SamplingResult:
    """One sampled image in model space and the facts worth recording with it.

    Parameters
    ----------
    image
        ``(1, 4, S, S)`` premultiplied RGBA in [-1, 1].
    info
        Effective settings (steps used, sampler used, guidance) for ``GeneratedImage.extra``.
    warnings
        Things the user should know (a sampler substituted, steps capped).
    """

    image: torch.Tensor
    info: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def draw_noise(
    shape: tuple[int, ...], generator: torch.Generator, settings: SampleSettings
) -> torch.Tensor:
    """The starting noise of one image: the seed's, slerped toward the variation seed's.

    Drawn on the CPU from ``generator`` first, so with no variation (or strength 0) it is
    exactly what the family drew before variations existed.
    """
    from studio.engine.editing.variation import variation_noise

    base = torch.randn(shape, generator=generator)
    return variation_noise(base, settings.variation_seed, settings.variation_strength)


def guided(cond_out: torch.Tensor, uncond_out: torch.Tensor, scale: float) -> torch.Tensor:
    """Classifier-free guidance: push the conditional prediction away from the unconditional."""
    return uncond_out + scale * (cond_out - uncond_out)


def decode_in_two_steps(
    decode: Callable[[torch.Tensor, Any], torch.Tensor],
    z: torch.Tensor,
    prompt: Any,
    on_step: StepCallback | None,
    info: dict[str, Any],
) -> SamplingResult:
    """Decode a drawn latent, reporting the two steps single-pass families have.

    The VAE and the GAN make an image in one decoder pass; progress still shows the latent
    drawn (step 1) and the image decoded (step 2, with the image as its preview), so cancel
    and the progress bar behave as for the iterative families.
    """
    if on_step is not None:
        on_step(1, 2, None)
    image = decode(z, prompt).clamp(-1.0, 1.0)
    if on_step is not None:
        on_step(2, 2, image)
    return SamplingResult(image, info)
