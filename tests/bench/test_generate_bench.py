"""The benchmark harness, and that Studio's images equal a plain diffusers call's."""

from __future__ import annotations

import numpy as np
import pytest

from studio.bench.generate import _plain_diffusers_call, bench_generate
from studio.domain.requests import GenerationRequest
from tests.engine.helpers import run_all


@pytest.mark.parametrize(
    ("sampler", "steps", "cfg"),
    [("Euler a", 3, 7.0), ("DPM++ 2M Karras", 3, 7.0), ("Euler trailing", 4, 1.0)],
)
def test_engine_pixels_equal_plain_diffusers(sd1_backend, sampler: str, steps: int, cfg) -> None:
    # The last is a few-step preset's (Lightning's): no negative pass at CFG 1 on either side.
    request = GenerationRequest(
        prompt="a small house", negative_prompt="fog", width=64, height=64,
        steps=steps, seed=99, sampler=sampler, cfg_scale=cfg,
    )  # fmt: skip
    (ours,) = run_all(sd1_backend, request)
    theirs = _plain_diffusers_call(sd1_backend, request)[0]
    assert np.array_equal(ours.pixels, (theirs * 255).round().astype(np.uint8))


@pytest.mark.slow
def test_bench_reports_both_timings(capsys) -> None:
    result = bench_generate(None, steps=2, width=64, height=64, repeats=2, warmup=0)
    err = capsys.readouterr().err
    assert "generate: run 1/2: engine" in err and "generate: run 2/2: engine" in err
    assert result["repeats"] == 2
    assert set(result) == {
        "model", "device", "torch", "steps", "size", "repeats", "ours_s", "diffusers_s", "ratio",
        "first_s", "compile_s", "per_step_s", "warnings",
    }  # fmt: skip
    assert result["model"] == "tiny-sd1" and result["size"] == "64x64"
    assert result["ours_s"]["median"] > 0 and result["diffusers_s"]["median"] > 0
