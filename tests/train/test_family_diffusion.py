"""The diffusion model's v-prediction loss falls on the synthetic shapes."""

from __future__ import annotations

import statistics

import pytest


@pytest.mark.slow
def test_diffusion_loss_falls(model_loss_curve) -> None:
    logs = model_loss_curve("diffusion", steps=60)
    first = statistics.fmean(row["loss"] for row in logs[:10])
    last = statistics.fmean(row["loss"] for row in logs[-10:])
    assert last < 0.8 * first
