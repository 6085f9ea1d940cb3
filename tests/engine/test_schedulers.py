"""Every sampler name builds a scheduler that keeps the model's training settings and steps."""

from __future__ import annotations

import pytest
import torch

from studio.domain.errors import InvalidRequestError
from studio.domain.samplers import SAMPLER_NAMES
from studio.engine.resources import sd_config_dir
from studio.engine.sd.loading import scheduler_from_folder
from studio.engine.sd.schedulers import SAMPLERS, build_scheduler, check_sampler_steps


def test_every_domain_sampler_has_a_scheduler() -> None:
    assert set(SAMPLERS) == set(SAMPLER_NAMES)


@pytest.mark.parametrize("sampler", SAMPLER_NAMES)
def test_sampler_builds_and_runs_one_step(sampler: str) -> None:
    model_config = scheduler_from_folder(sd_config_dir("sd2"), "v_prediction").config
    scheduler = build_scheduler(sampler, model_config, seed=3)
    assert scheduler.config.prediction_type == "v_prediction"
    assert scheduler.config.beta_schedule == "scaled_linear"
    scheduler.set_timesteps(4)
    generator = torch.Generator().manual_seed(0)
    sample = torch.randn(1, 4, 8, 8, generator=generator) * scheduler.init_noise_sigma
    timestep = scheduler.timesteps[0]
    model_input = scheduler.scale_model_input(sample, timestep)
    step = scheduler.step(torch.randn(model_input.shape, generator=generator), timestep, sample)
    assert step.prev_sample.shape == sample.shape
    assert torch.isfinite(step.prev_sample).all()


def test_karras_and_sde_variants_differ_from_plain() -> None:
    config = scheduler_from_folder(sd_config_dir("sd1")).config
    plain = build_scheduler("DPM++ 2M", config)
    karras = build_scheduler("dpm++ 2m karras", config)
    sde = build_scheduler("DPM++ 2M SDE Karras", config)
    assert not plain.config.use_karras_sigmas and karras.config.use_karras_sigmas
    assert sde.config.algorithm_type == "sde-dpmsolver++"


def test_sde_sampler_is_seeded_and_turbo_uses_trailing_steps() -> None:
    config = scheduler_from_folder(sd_config_dir("sdxl")).config
    assert build_scheduler("DPM++ SDE Karras", config, seed=42).config.noise_sampler_seed == 42
    assert build_scheduler("Euler a", config, is_turbo=True).config.timestep_spacing == "trailing"
    assert build_scheduler("Euler a", config).config.timestep_spacing == "leading"


def test_lcm_refuses_more_steps_than_it_was_distilled_for() -> None:
    check_sampler_steps("LCM", 8)
    check_sampler_steps("Euler", 150)
    with pytest.raises(InvalidRequestError, match="at most 50"):
        check_sampler_steps("lcm", 60)


@pytest.mark.parametrize("sampler", ["Euler trailing", "Euler a trailing", "DDIM trailing"])
def test_the_few_step_samplers_start_from_the_last_timestep(sampler: str) -> None:
    config = scheduler_from_folder(sd_config_dir("sdxl")).config
    scheduler = build_scheduler(sampler, config)
    scheduler.set_timesteps(4)
    # Trailing spacing begins at t=999 (pure noise); SDXL's own "leading" begins at 751.
    assert int(scheduler.timesteps[0]) == 999
    plain = build_scheduler(sampler.removesuffix(" trailing"), config)
    plain.set_timesteps(4)
    assert int(plain.timesteps[0]) < 999
