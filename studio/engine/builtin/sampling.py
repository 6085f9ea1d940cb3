"""Sampling the built-in diffusion model with diffusers' schedulers and classifier-free guidance.

Sampler names are the ones artists know (A1111/ComfyUI); each maps to a diffusers scheduler
built from the model's own noise schedule, with "trailing" timestep spacing so a few steps
still start from pure noise. Names without a sensible equivalent for this model fall back to
DPM++ 2M, and the substitution is reported.
"""

from __future__ import annotations

import inspect
import math
from typing import Any

import torch

from studio.engine.builtin.generation import (
    SampleSettings,
    SamplingResult,
    StepCallback,
    draw_noise,
    guided,
)
from studio.engine.builtin.layers import Conditioning

MAX_STEPS = 50  # a 32 px model gains nothing visible beyond this; CPU time keeps growing
FALLBACK_SAMPLER = "DPM++ 2M"

_SCHEDULERS: dict[str, tuple[str, dict[str, Any]]] = {
    "DDIM": ("DDIMScheduler", {}),
    "Euler": ("EulerDiscreteScheduler", {}),
    "Euler a": ("EulerAncestralDiscreteScheduler", {}),
    "DPM++ 2M": ("DPMSolverMultistepScheduler", {}),
    "DPM++ 2M Karras": ("DPMSolverMultistepScheduler", {"use_karras_sigmas": True}),
    "DPM++ 2M SDE Karras": (
        "DPMSolverMultistepScheduler",
        {"algorithm_type": "sde-dpmsolver++", "use_karras_sigmas": True},
    ),
    "Heun": ("HeunDiscreteScheduler", {}),
    "LMS": ("LMSDiscreteScheduler", {}),
    "UniPC": ("UniPCMultistepScheduler", {}),
}
SUPPORTED_SAMPLERS = tuple(_SCHEDULERS)


def make_scheduler(config: Any, sampler: str) -> tuple[Any, str, tuple[str, ...]]:
    """Build the scheduler for ``sampler`` from a diffusion config.

    Returns
    -------
    tuple
        ``(scheduler, sampler name actually used, warnings)``.
    """
    import diffusers

    warnings: tuple[str, ...] = ()
    used = sampler
    if sampler not in _SCHEDULERS:
        used = FALLBACK_SAMPLER
        warnings = (
            f"Sampler {sampler} is not available for built-in diffusion; used {used} instead.",
        )
    class_name, options = _SCHEDULERS[used]
    alphas_cumprod = cosine_alphas_cumprod(config.num_train_timesteps, config.sigma_max)
    previous = torch.cat([torch.ones(1, dtype=alphas_cumprod.dtype), alphas_cumprod[:-1]])
    scheduler = getattr(diffusers, class_name)(
        num_train_timesteps=config.num_train_timesteps,
        trained_betas=(1.0 - alphas_cumprod / previous).numpy(),
        prediction_type=config.prediction_type,
        timestep_spacing="trailing",
        **options,
    )
    return scheduler, used, warnings


def cosine_alphas_cumprod(timesteps: int, sigma_max: float) -> torch.Tensor:
    """The cosine schedule (Nichol and Dhariwal, 2021) squeezed to end at noise level ``sigma_max``.

    The plain cosine schedule ends at a noise-to-signal ratio near 2e4; Karras-spaced samplers
    then spend every step in pure noise. Mixing in a floor of ``1 / (1 + sigma_max**2)``
    keeps the curve smooth and ends it at ``sigma_max`` (80, as in Karras et al., 2022).

    Returns
    -------
    torch.Tensor
        ``(timesteps,)`` float64 cumulative products of alpha, decreasing from ~1.
    """
    s = 0.008
    t = torch.arange(timesteps + 1, dtype=torch.float64) / timesteps
    alpha_bar = torch.cos((t + s) / (1 + s) * math.pi / 2) ** 2
    alpha_bar = (alpha_bar / alpha_bar[0])[1:]
    floor = 1.0 / (1.0 + sigma_max**2)
    return alpha_bar * (1.0 - floor) + floor


def effective_steps(requested: int) -> int:
    """Steps actually run for a requested count (capped at :data:`MAX_STEPS`)."""
    return max(1, min(int(requested), MAX_STEPS))


def count_steps(config: Any, settings: SampleSettings) -> int:
    """Model evaluations the sampler will report (Heun's second-order steps count twice)."""
    scheduler, _, _ = make_scheduler(config, settings.sampler)
    scheduler.set_timesteps(effective_steps(settings.steps))
    return len(scheduler.timesteps)


def rescale_guidance(
    guided_out: torch.Tensor, cond_out: torch.Tensor, factor: float
) -> torch.Tensor:
    """Rescale a guided prediction's spread toward the conditional one (Lin et al., 2023).

    High guidance on a v-prediction model over-saturates colours; matching the standard deviation
    of the conditional prediction keeps them, ``factor`` blends the two.
    """
    if factor <= 0:
        return guided_out
    dims = list(range(1, guided_out.ndim))
    ratio = cond_out.std(dim=dims, keepdim=True) / guided_out.std(dim=dims, keepdim=True).clamp_min(
        1e-6
    )
    return factor * guided_out * ratio + (1 - factor) * guided_out


def predicted_clean(
    scheduler: Any, model_in: torch.Tensor, t: torch.Tensor, out: torch.Tensor, prediction_type: str
) -> torch.Tensor:
    """The model's current estimate of the clean image, for previews."""
    index = int(torch.as_tensor(t).round().clamp(0, len(scheduler.alphas_cumprod) - 1))
    alpha_bar = scheduler.alphas_cumprod[index].to(model_in.device, model_in.dtype)
    a, s = alpha_bar.sqrt(), (1 - alpha_bar).sqrt()
    if prediction_type == "v_prediction":
        return a * model_in - s * out
    return (model_in - s * out) / a


def sample(
    model: Any,
    cond: Conditioning,
    generator: torch.Generator,
    settings: SampleSettings,
    on_step: StepCallback | None = None,
) -> SamplingResult:
    """Draw one image from a diffusion model.

    Parameters
    ----------
    model
        A :class:`~studio.engine.builtin.diffusion.SpriteDiffusion` in eval mode.
    cond
        Two rows: the prompt and the unconditional text.
    generator
        Seeded CPU generator; all noise is drawn from it on the CPU, so a seed gives the same
        image on every machine.
    """
    config = model.config
    scheduler, used, warnings = make_scheduler(config, settings.sampler)
    steps = effective_steps(settings.steps)
    if steps != settings.steps:
        warnings += (f"Built-in diffusion runs at most {MAX_STEPS} steps; used {steps}.",)
    scheduler.set_timesteps(steps)
    device = cond.context.device
    size = config.sample_size
    noise = draw_noise((1, 4, size, size), generator, settings).to(device)
    x = noise * scheduler.init_noise_sigma
    keep = _KnownImage(settings, noise, scheduler) if settings.known is not None else None
    guidance = settings.cfg_scale != 1.0
    context = cond if guidance else cond.first()
    step_kwargs = _step_kwargs(scheduler, generator)
    total = len(scheduler.timesteps)
    for i, t in enumerate(scheduler.timesteps):
        model_in = scheduler.scale_model_input(x, t)
        batch = model_in.repeat(2, 1, 1, 1) if guidance else model_in
        out = model(batch, t.to(device).float().expand(batch.shape[0]), context)
        if guidance:
            cond_out, uncond_out = out.chunk(2)
            out = guided(cond_out, uncond_out, settings.cfg_scale)
            out = rescale_guidance(out, cond_out, config.guidance_rescale)
        x = scheduler.step(out, t, x, **step_kwargs).prev_sample
        if keep is not None:
            x = keep.blend(x, scheduler.timesteps[i + 1 : i + 2])
        if on_step is not None:
            on_step(
                i + 1, total, predicted_clean(scheduler, model_in, t, out, config.prediction_type)
            )
    info = {
        "family": "diffusion",
        "sampler": used,
        "steps": steps,
        "cfg_scale": settings.cfg_scale,
        "guidance_rescale": config.guidance_rescale if guidance else 0.0,
        "native_size": size,
    }
    return SamplingResult(x.clamp(-1.0, 1.0), info, warnings)


class _KnownImage:
    """Inpainting: after each step, put the known image back outside the mask.

    The known image is noised to the level of the next step with the job's own starting
    noise (the RePaint/diffusers recipe), so the model sees a consistent picture whose masked
    part it fills in; after the last step the clean known image is used.
    """

    def __init__(self, settings: SampleSettings, noise: torch.Tensor, scheduler: Any) -> None:
        assert settings.known is not None and settings.known_mask is not None
        self.known = settings.known.to(noise.device, noise.dtype)
        self.mask = settings.known_mask.to(noise.device, noise.dtype)
        self.noise = noise
        self.scheduler = scheduler

    def blend(self, x: torch.Tensor, next_timestep: torch.Tensor) -> torch.Tensor:
        if len(next_timestep):
            known = self.scheduler.add_noise(self.known, self.noise, next_timestep)
        else:
            known = self.known
        return self.mask * x + (1.0 - self.mask) * known


def _step_kwargs(scheduler: Any, generator: torch.Generator) -> dict[str, Any]:
    # Ancestral and SDE samplers draw fresh noise each step; only some schedulers take a generator.
    accepts = "generator" in inspect.signature(scheduler.step).parameters
    return {"generator": generator} if accepts else {}
