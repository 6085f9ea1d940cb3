"""Diffusion sampling: the noise schedule, every sampler name, step caps and substitutions."""

from __future__ import annotations

import pytest
import torch

from studio.domain.samplers import SAMPLER_NAMES
from studio.engine.builtin.generation import SampleSettings
from studio.engine.builtin.sampling import (
    MAX_STEPS,
    SUPPORTED_SAMPLERS,
    cosine_alphas_cumprod,
    make_scheduler,
)
from tests.engine.builtin.conftest import builtin_tiny_model


@pytest.fixture(scope="module")
def diffusion():
    model = builtin_tiny_model("diffusion").eval()
    tokens = torch.randn(2, 4, 384, generator=torch.Generator().manual_seed(1))
    from studio.engine.builtin.text_encoder import TextEmbedding

    text = TextEmbedding(tokens.mean(1), tokens, torch.ones(2, 4, dtype=torch.bool))
    return model, model.text(text, drop=torch.tensor([False, True]))


def test_schedule_falls_from_clean_to_sigma_max() -> None:
    alphas = cosine_alphas_cumprod(1000, 80.0)
    assert alphas[0] > 0.999 and torch.all(alphas[1:] < alphas[:-1])
    sigma_max = ((1 - alphas[-1]) / alphas[-1]).sqrt()
    assert sigma_max == pytest.approx(80.0, rel=1e-3)


@pytest.mark.parametrize("sampler", SUPPORTED_SAMPLERS)
def test_every_supported_sampler_makes_a_finite_image(sampler, diffusion) -> None:
    model, cond = diffusion
    seen = _Steps()
    settings = SampleSettings(steps=4, cfg_scale=3.0, sampler=sampler)
    result = model.generate(cond, torch.Generator().manual_seed(0), settings, seen.append_step)
    assert torch.isfinite(result.image).all()
    assert result.info["sampler"] == sampler and not result.warnings
    assert seen == list(range(1, model.count_steps(settings) + 1))


class _Steps(list):
    """Records the step numbers a sampler reports and checks each preview estimate."""

    def append_step(self, step: int, total: int, estimate) -> None:
        assert estimate is not None and estimate.shape[1] == 4
        self.append(step)


def test_unavailable_sampler_falls_back_and_says_so(diffusion) -> None:
    model, cond = diffusion
    assert set(SUPPORTED_SAMPLERS) <= set(SAMPLER_NAMES)
    result = model.generate(cond, torch.Generator(), SampleSettings(3, 2.0, "LCM"))
    assert result.info["sampler"] == "DPM++ 2M"
    assert "LCM" in result.warnings[0]


def test_steps_are_capped_and_reported(diffusion) -> None:
    model, cond = diffusion
    result = model.generate(cond, torch.Generator(), SampleSettings(MAX_STEPS + 10, 2.0, "DDIM"))
    assert result.info["steps"] == MAX_STEPS
    assert any(str(MAX_STEPS) in w for w in result.warnings)


def test_guidance_scale_one_skips_the_unconditional_branch(diffusion) -> None:
    model, cond = diffusion
    calls = []
    handle = model.unet.register_forward_hook(lambda m, args, out: calls.append(args[0].shape[0]))
    try:
        model.generate(cond, torch.Generator(), SampleSettings(2, 1.0, "Euler"))
        model.generate(cond, torch.Generator(), SampleSettings(2, 4.0, "Euler"))
    finally:
        handle.remove()
    assert calls == [1, 1, 2, 2]


def test_schedulers_are_built_from_the_model_config() -> None:
    from studio.engine.builtin.diffusion import DiffusionConfig

    scheduler, used, warnings = make_scheduler(DiffusionConfig(), "Euler a")
    assert used == "Euler a" and warnings == ()
    assert scheduler.config.prediction_type == "v_prediction"
    assert scheduler.config.timestep_spacing == "trailing"
