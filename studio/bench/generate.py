"""How much time the engine adds over a plain diffusers call (``studio bench generate``).

Both paths run in one process on the same loaded pipeline and settings: Studio's engine (prompt
chunking, previews every step, cancel checks, our decode) against ``pipe(prompt, ...)`` with the
same scheduler, seed and size, taking turns. The eager ratio should be about 1.0. With ``arch``
the model is Stable Diffusion at its published size with random weights
(:mod:`studio.bench.sd_arch`); with ``fast`` the engine runs its fast path
(:mod:`studio.engine.sd.fast_path`) while diffusers stays eager, so the ratio is the speed-up.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from studio.bench.machine import progress, spread_warnings, timing_summary
from studio.bench.timing import cpu_timed, interleaved_runs, median_ratio, seconds_of
from studio.domain.requests import GenerationRequest
from studio.domain.results import ProgressUpdate
from studio.domain.samplers import DEFAULT_SAMPLER
from studio.domain.settings import EngineSettings
from studio.engine.sd.diffusers_backend import DiffusersBackend
from studio.engine.service import EngineService

PROMPT = "a lighthouse on a cliff at sunset, oil painting, detailed"
NEGATIVE = "blurry"


def bench_generate(
    model: str | None = None,
    steps: int = 20,
    width: int = 512,
    height: int = 512,
    sampler: str = DEFAULT_SAMPLER,
    repeats: int = 3,
    warmup: int = 1,
    settings: EngineSettings | None = None,
    device: str = "auto",
    step_cache: int = 0,
    cfg_scale: float = 7.0,
) -> dict[str, Any]:
    """Time one image through Studio's engine and through plain diffusers.

    Parameters
    ----------
    model
        A model the registry can resolve; ``None`` builds the tiny SD 1.x pipeline in a
        temporary folder.
    steps, width, height, sampler, cfg_scale
        Generation settings shared by both paths (a guidance scale of 1 or less skips the
        negative prompt's UNet pass, as the few-step presets do).
    repeats, warmup
        Timed runs (the median is reported) after untimed warm-up runs.
    settings
        Engine settings for resolving ``model`` (defaults: no extra paths).
    device
        ``"auto"``, ``"cuda"``, ``"mps"`` or ``"cpu"``.
    step_cache
        The engine's step-cache interval (plain diffusers always runs the full UNet); above 1
        the row adds ``pixel_difference`` between the two images (plain diffusers' image is
        the engine's uncached one, pixel for pixel).

    Returns
    -------
    dict
        ``model``, ``device``, ``torch``, ``steps``, ``size``, ``repeats``; ``ours_s`` and
        ``diffusers_s``, each the median, min, max and spread of the timed runs; ``ratio``
        (median ours / median diffusers), ``first_s`` (each side's first untimed run) and
        ``warnings`` (spreads over 20 %).
    """
    with tempfile.TemporaryDirectory(prefix="studio-bench-") as scratch:
        if model is None:
            from studio.bench.tiny_models import build_tiny_pipeline

            progress("generate: building a tiny random SD 1.x pipeline (no --model)")
            model = str(build_tiny_pipeline(Path(scratch) / "tiny-sd1", "sd1"))
            settings = EngineSettings(scan_hf_cache=False, builtin_models_dir=scratch)
        service = EngineService(settings or EngineSettings(), device_preference=device)
        try:
            request = _request(
                model, steps=steps, width=width, height=height, sampler=sampler,
                step_cache=step_cache, cfg_scale=cfg_scale,
            )  # fmt: skip
            progress("generate: loading the model")
            service_request = request

            def ours(on_progress: Callable[[ProgressUpdate], None]) -> Any:
                return list(service.run(service_request, on_progress, threading.Event()))[-1]

            ours(lambda _update: None)  # loads the model, untimed
            backend = service.backend
            if not isinstance(backend, DiffusersBackend):
                raise TypeError(f"{model} is not a diffusers model; nothing to compare against")
            return _bench(backend, request, ours, repeats, warmup)
        finally:
            service.close()


def bench_arch(
    arch: str,
    options: Mapping[str, Any] | None = None,
    repeats: int = 3,
    fast: bool = False,
    device: str = "auto",
) -> dict[str, Any]:
    """Time Stable Diffusion at its published size (random weights) through both paths.

    Parameters
    ----------
    arch
        ``"sd15"``, ``"sd2"`` or ``"sdxl"`` (:data:`studio.bench.sd_arch.ARCHES`).
    options
        :class:`GenerationRequest` fields shared by both paths (``steps``, ``width``,
        ``height``, ``sampler``, ``cfg_scale``; ``step_cache`` for the engine only); 2 steps
        at 64x64 unless given.
    repeats
        Timed runs of each path, after one untimed first run of each (``first_s``: with
        ``fast`` it holds the compile time).
    fast
        Run the engine on its fast path (compiled UNet and VAE decoder, channels-last); plain
        diffusers stays eager on the same weights.
    device
        ``"auto"``, ``"cuda"``, ``"mps"`` or ``"cpu"``.

    Returns
    -------
    dict
        What :func:`bench_generate` returns, plus ``arch``, ``fast``, ``per_step_s`` (the
        engine's seconds per denoising step, from its progress reports) and ``compile_s``
        (the engine's first run less its median).
    """
    import torch

    from studio.bench.sd_arch import arch_model_info, build_arch_pipeline
    from studio.engine.device import pick_device
    from studio.engine.sd.loading import LoadedPipeline

    torch_device, dtype = pick_device(device)
    info = arch_model_info(arch)
    progress(f"generate: building {arch} at its published size with random weights")
    started = time.perf_counter()
    pipe = build_arch_pipeline(arch)
    build_s = time.perf_counter() - started
    progress(f"generate: built in {build_s:.1f} s, {peak_rss_mb():.0f} MB peak RSS so far")
    if (torch_device.type, dtype) != ("cpu", torch.float32):
        pipe.to(torch_device, dtype)  # built in float32 on the CPU; diffusers warns on a no-op .to
    backend = DiffusersBackend(info, LoadedPipeline(pipe, info.family), torch_device)
    if fast:
        from studio.engine.sd.fast_path import apply_fast_path

        apply_fast_path(pipe)
    request = _request(info.id, **{"steps": 2, "width": 64, "height": 64, **(options or {})})

    def ours(on_progress: Callable[[ProgressUpdate], None], steps: int = request.steps) -> Any:
        job = replace(request, steps=steps)
        return list(backend.generate(job, on_progress, threading.Event()))[-1]

    # Eager, nothing compiles: one 1-step engine run warms the weights both paths share,
    # instead of a full first image of each (at SDXL size two images cost two minutes).
    warm_up = None if fast else (lambda: ours(lambda _update: None, steps=1))
    try:
        text_encoders_s = _text_encoders_seconds(pipe, request)
        row = _bench(backend, request, ours, repeats, warmup=0, warm_up=warm_up)
    finally:
        backend.unload()
    return {
        **row,
        "arch": arch,
        "fast": fast,
        "build_s": round(build_s, 2),
        "text_encoders_s": round(text_encoders_s, 3),
        "peak_rss_mb": round(peak_rss_mb()),
        "load_average": round(os.getloadavg()[0], 2),
    }


def _text_encoders_seconds(pipe: Any, request: GenerationRequest) -> float:
    """One encoding of the prompt and negative prompt, timed apart: both paths pay it per image."""
    import torch

    from studio.engine.sd.prompt_encoding import encode_prompts

    started = time.perf_counter()
    with torch.inference_mode():
        encode_prompts(pipe, request.prompt, request.negative_prompt, request.cfg_scale > 1.0)
    seconds = time.perf_counter() - started
    progress(f"generate: the text encoders take {seconds:.2f} s per image (in both paths)")
    return seconds


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports kilobytes)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _request(model: str, **options: Any) -> GenerationRequest:
    return GenerationRequest(
        prompt=PROMPT, negative_prompt=NEGATIVE, model=model, seed=1234, **options
    )


def _bench(
    backend: DiffusersBackend,
    request: GenerationRequest,
    ours: Callable[[Callable[[ProgressUpdate], None]], Any],
    repeats: int,
    warmup: int,
    warm_up: Callable[[], Any] | None = None,
) -> dict[str, Any]:
    """Time both paths, interleaved; ``warm_up`` (when given) replaces the untimed first runs."""
    import torch

    step_times: list[float] = []

    def timed_steps(update: ProgressUpdate) -> None:
        # Step 0 is announced before the first step: the gaps after it are steps.
        if update.total and update.step > 0:
            step_times.append(time.perf_counter())

    last: dict[str, Any] = {}  # each side's latest image

    def engine() -> None:
        step_times.clear()
        last["ours"] = ours(timed_steps)

    def plain() -> None:
        last["plain"] = _plain_diffusers_call(backend, request)[0]

    def report(pair: int, pairs: int, ours_s: float, plain_s: float) -> None:
        progress(f"generate: run {pair}/{pairs}: engine {ours_s:.3f} s, diffusers {plain_s:.3f} s")

    if warm_up is None:
        progress("generate: one untimed first run of each (compiling, if anything compiles)")
        first: dict[str, float] | None = {
            "ours": seconds_of(engine),
            "diffusers": seconds_of(plain),
        }
        warm_up_s = None
    else:
        progress("generate: one untimed 1-step engine run (eager: nothing to compile)")
        first, warm_up_s = None, round(seconds_of(warm_up), 4)
    if warmup:
        progress(f"generate: {warmup} untimed warm-up run(s) of each")
    per_step: list[float] = []

    def engine_with_steps() -> None:
        engine()
        per_step.extend(later - earlier for earlier, later in pairwise(step_times))

    # CPU seconds of the process beside the wall time: other jobs on the machine stretch the
    # wall time of each run by chance, but much less the CPU time the run itself used.
    cpu: tuple[list[float], list[float]] = ([], [])
    ours_times, plain_times = interleaved_runs(
        cpu_timed(engine_with_steps, cpu[0]), cpu_timed(plain, cpu[1]), repeats, warmup,
        on_pair=report,
    )  # fmt: skip
    ours_s, diffusers_s = timing_summary(ours_times), timing_summary(plain_times)
    ours_cpu, plain_cpu = (timing_summary(side[-len(ours_times) :]) for side in cpu)
    return {
        "model": backend.model.name,
        "device": str(backend.device),
        "torch": torch.__version__,
        "steps": request.steps,
        "size": f"{request.width}x{request.height}",
        "repeats": len(ours_times),
        "ours_s": ours_s,
        "diffusers_s": diffusers_s,
        "ratio": median_ratio(ours_s, diffusers_s),
        "cpu_s": {"ours": ours_cpu, "diffusers": plain_cpu},
        "cpu_ratio": median_ratio(ours_cpu, plain_cpu),
        "first_s": first and {side: round(seconds, 4) for side, seconds in first.items()},
        "compile_s": first and round(max(0.0, first["ours"] - ours_s["median"]), 4),
        **({} if warm_up_s is None else {"warm_up_s": warm_up_s}),
        "per_step_s": timing_summary(per_step) if per_step else None,
        "warnings": spread_warnings({"the engine's time": ours_s, "diffusers' time": diffusers_s}),
        **(
            {"step_cache": request.step_cache, **_difference(last["ours"], last["plain"])}
            if request.step_cache > 1
            else {}
        ),
    }


def _difference(ours: Any, plain: Any) -> dict[str, Any]:
    """How far the engine's last image is from plain diffusers' (0-255 levels per channel)."""
    import numpy as np

    theirs = (np.asarray(plain) * 255).round().astype(int)
    difference = np.abs(np.asarray(ours.pixels)[..., :3].astype(int) - theirs)
    return {
        "pixel_difference": {
            "max": int(difference.max()),
            "mean": round(float(difference.mean()), 3),
        }
    }


def _plain_diffusers_call(backend: DiffusersBackend, request: GenerationRequest) -> Any:
    """``pipe(...)`` as a diffusers user writes it, on the engine's weights, never compiled."""
    import torch

    from studio.engine.sd.fast_path import eager_modules

    pipe = backend.pipeline
    pipe.scheduler = backend.scheduler_for(request.sampler, request.seed)
    generator_device = "cuda" if backend.device.type == "cuda" else "cpu"
    with eager_modules(pipe):
        return pipe(
            prompt=request.prompt,
            negative_prompt=request.negative_prompt or None,
            num_inference_steps=request.steps,
            guidance_scale=request.cfg_scale,
            width=request.width,
            height=request.height,
            generator=torch.Generator(device=generator_device).manual_seed(request.seed or 0),
            output_type="np",
        ).images
