"""Sampler names artists know (A1111/ComfyUI) mapped onto diffusers schedulers.

The mapping follows the equivalence table in diffusers' scheduler documentation. Every
scheduler is built with ``from_config(model_config, ...)`` so the model's own training settings
(betas, ``prediction_type``, offsets) carry over and only the sampling method changes.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from studio.domain.errors import InvalidRequestError
from studio.domain.samplers import canonical_sampler_name


@dataclass(frozen=True)
class SamplerSpec:
    """A diffusers scheduler class and the settings that make it a given A1111 sampler."""

    class_name: str
    options: Mapping[str, Any] = field(default_factory=dict)
    seeded_noise: bool = False  # needs a noise seed of its own to be reproducible
    max_steps: int | None = None


_TRAILING = {"timestep_spacing": "trailing"}

SAMPLERS: dict[str, SamplerSpec] = {
    "Euler": SamplerSpec("EulerDiscreteScheduler"),
    "Euler a": SamplerSpec("EulerAncestralDiscreteScheduler"),
    "DPM++ 2M": SamplerSpec(
        "DPMSolverMultistepScheduler", {"algorithm_type": "dpmsolver++", "solver_order": 2}
    ),
    "DPM++ 2M Karras": SamplerSpec(
        "DPMSolverMultistepScheduler",
        {"algorithm_type": "dpmsolver++", "solver_order": 2, "use_karras_sigmas": True},
    ),
    "DPM++ 2M SDE Karras": SamplerSpec(
        "DPMSolverMultistepScheduler",
        {"algorithm_type": "sde-dpmsolver++", "solver_order": 2, "use_karras_sigmas": True},
    ),
    "DPM++ SDE Karras": SamplerSpec(
        "DPMSolverSDEScheduler", {"use_karras_sigmas": True}, seeded_noise=True
    ),
    "Heun": SamplerSpec("HeunDiscreteScheduler"),
    "LMS": SamplerSpec("LMSDiscreteScheduler"),
    "DDIM": SamplerSpec("DDIMScheduler"),
    "UniPC": SamplerSpec("UniPCMultistepScheduler"),
    # LCM distils a 50-step schedule and cannot be asked for more steps than that.
    "LCM": SamplerSpec("LCMScheduler", max_steps=50),
    # Lightning, Turbo and Hyper-SD were distilled on the last timesteps of the schedule.
    "Euler trailing": SamplerSpec("EulerDiscreteScheduler", _TRAILING),
    "Euler a trailing": SamplerSpec("EulerAncestralDiscreteScheduler", _TRAILING),
    # Hyper-SD's card: DDIM without clipping and without forcing the final alpha to one.
    "DDIM trailing": SamplerSpec(
        "DDIMScheduler", {**_TRAILING, "clip_sample": False, "set_alpha_to_one": False}
    ),
}


def check_sampler_steps(sampler: str, steps: int) -> None:
    """Raise :class:`InvalidRequestError` if ``sampler`` cannot run ``steps`` steps."""
    name = canonical_sampler_name(sampler)
    limit = SAMPLERS[name].max_steps
    if limit is not None and steps > limit:
        raise InvalidRequestError(
            f"The {name} sampler runs at most {limit} steps: lower the steps (LCM models need "
            "only 4 to 8) or choose another sampler."
        )


def build_scheduler(
    sampler: str,
    model_config: Mapping[str, Any],
    seed: int | None = None,
    is_turbo: bool = False,
) -> Any:
    """Create the scheduler for ``sampler`` from a model's scheduler config.

    Parameters
    ----------
    sampler
        A name from :data:`studio.domain.samplers.SAMPLER_NAMES` (any case).
    model_config
        The loaded pipeline's ``scheduler.config``; its training settings are kept.
    seed
        Seed for samplers that draw their own Brownian noise (DPM++ SDE), so the same seed
        gives the same image.
    is_turbo
        Few-step distilled models (SD/SDXL Turbo) sample on "trailing" timesteps.
    """
    import diffusers

    spec = SAMPLERS[canonical_sampler_name(sampler)]
    options = dict(spec.options)
    if spec.seeded_noise:
        options["noise_sampler_seed"] = seed
        # torchsde warns about float rounding of its interval ends; harmless and noisy.
        warnings.filterwarnings("ignore", message="Should have ta>=t0", module="torchsde")
    if is_turbo:
        options["timestep_spacing"] = "trailing"
    scheduler_class = getattr(diffusers, spec.class_name)
    return scheduler_class.from_config(dict(model_config), **options)
