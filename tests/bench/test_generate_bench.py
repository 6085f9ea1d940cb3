"""The benchmark harness, and that Studio's images equal a plain diffusers call's."""

from __future__ import annotations

from dataclasses import replace

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
        "cpu_s", "cpu_ratio", "first_s", "compile_s", "per_step_s", "warnings",
    }  # fmt: skip
    cpu = result["cpu_s"]
    assert cpu["ours"]["median"] > 0 and cpu["diffusers"]["median"] > 0
    assert result["cpu_ratio"] == pytest.approx(
        cpu["ours"]["median"] / cpu["diffusers"]["median"], abs=1e-3
    )
    assert result["model"] == "tiny-sd1" and result["size"] == "64x64"
    assert result["ours_s"]["median"] > 0 and result["diffusers_s"]["median"] > 0


def test_the_engine_runs_each_model_as_often_as_plain_diffusers(sd1_backend) -> None:
    # Load-independent half of the bench's ratio: the same model calls on both sides, so any
    # gap in time is overhead around them (none of it is a second prompt encoding or decode).
    pipe = sd1_backend.pipeline
    modules = {"text": pipe.text_encoder, "unet": pipe.unet, "decoder": pipe.vae.decoder}
    calls: dict[str, int] = dict.fromkeys(modules, 0)

    def counter(name: str):
        def count(*_args) -> None:
            calls[name] += 1

        return count

    hooks = [module.register_forward_hook(counter(name)) for name, module in modules.items()]
    request = GenerationRequest(
        prompt="a small house", negative_prompt="fog", width=64, height=64, steps=3, seed=5
    )
    try:
        run_all(sd1_backend, request)
        ours = dict(calls)
        calls.update(dict.fromkeys(modules, 0))
        _plain_diffusers_call(sd1_backend, request)
    finally:
        for hook in hooks:
            hook.remove()
    assert ours == calls
    assert ours["text"] == 2 and ours["decoder"] == 1  # prompt and negative once, one decode
    calls.update(dict.fromkeys(modules, 0))
    hooks = [module.register_forward_hook(counter(name)) for name, module in modules.items()]
    try:
        run_all(sd1_backend, replace(request, batch_count=3))
    finally:
        for hook in hooks:
            hook.remove()
    # Three images of one request: the prompts are encoded once, not once per image.
    assert calls == {"text": 2, "unet": 9, "decoder": 3}
