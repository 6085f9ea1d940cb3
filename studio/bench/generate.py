"""How much time the engine adds over a plain diffusers call (``studio bench`` uses this).

Both paths run in one process on the same loaded pipeline and settings: Studio's
:class:`EngineService` (prompt chunking, previews every step, cancel checks, our decode) against
``pipe(prompt, ...)`` with the same scheduler, seed and size. The ratio should be about 1.0.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Any

from studio.bench.machine import progress, spread_warnings, timing_summary
from studio.bench.timing import interleaved_runs
from studio.domain.requests import GenerationRequest
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
) -> dict[str, Any]:
    """Time one image through Studio's engine and through plain diffusers.

    Parameters
    ----------
    model
        A model the registry can resolve; ``None`` builds the tiny SD 1.x pipeline in a
        temporary folder.
    steps, width, height, sampler
        Generation settings shared by both paths.
    repeats, warmup
        Timed runs (the median is reported) after untimed warm-up runs.
    settings
        Engine settings for resolving ``model`` (defaults: no extra paths).
    device
        ``"auto"``, ``"cuda"``, ``"mps"`` or ``"cpu"``.

    Returns
    -------
    dict
        ``model``, ``device``, ``steps``, ``size``, ``repeats``; ``ours_s`` and
        ``diffusers_s``, each the median, min, max and spread of the timed runs; ``ratio``
        (median ours / median diffusers) and ``warnings`` (spreads over 20 %).
    """
    with tempfile.TemporaryDirectory(prefix="studio-bench-") as scratch:
        if model is None:
            from studio.bench.tiny_models import build_tiny_pipeline

            progress("generate: building a tiny random SD 1.x pipeline (no --model)")
            model = str(build_tiny_pipeline(Path(scratch) / "tiny-sd1", "sd1"))
            settings = EngineSettings(scan_hf_cache=False, builtin_models_dir=scratch)
        service = EngineService(settings or EngineSettings(), device_preference=device)
        try:
            return _bench(service, model, steps, width, height, sampler, repeats, warmup)
        finally:
            service.close()


def _bench(
    service: EngineService,
    model: str,
    steps: int,
    width: int,
    height: int,
    sampler: str,
    repeats: int,
    warmup: int,
) -> dict[str, Any]:
    request = GenerationRequest(
        prompt=PROMPT, negative_prompt=NEGATIVE, model=model, steps=steps,
        width=width, height=height, sampler=sampler, seed=1234,
    )  # fmt: skip
    cancel = threading.Event()

    def ours() -> None:
        for _ in service.run(request, lambda _update: None, cancel):
            pass

    progress("generate: loading the model and making one untimed image")
    ours()  # loads the model, untimed
    backend = service.backend
    if not isinstance(backend, DiffusersBackend):
        raise TypeError(f"{model} is not a diffusers model; nothing to compare against")

    def plain() -> None:
        _plain_diffusers_call(backend, request)

    def report(pair: int, pairs: int, ours_s: float, plain_s: float) -> None:
        progress(f"generate: run {pair}/{pairs}: engine {ours_s:.3f} s, diffusers {plain_s:.3f} s")

    if warmup:
        progress(f"generate: {warmup} untimed warm-up run(s) of each")
    ours_times, plain_times = interleaved_runs(ours, plain, repeats, warmup, on_pair=report)
    ours_s, diffusers_s = timing_summary(ours_times), timing_summary(plain_times)
    return {
        "model": backend.model.name,
        "device": str(backend.device),
        "steps": steps,
        "size": f"{width}x{height}",
        "repeats": len(ours_times),
        "ours_s": ours_s,
        "diffusers_s": diffusers_s,
        "ratio": _ratio(ours_s, diffusers_s),
        "warnings": spread_warnings({"the engine's time": ours_s, "diffusers' time": diffusers_s}),
    }


def _ratio(ours: dict[str, float], theirs: dict[str, float]) -> float:
    """Ours over theirs, of the medians."""
    return round(ours["median"] / theirs["median"], 3) if theirs["median"] > 0 else float("nan")


def _plain_diffusers_call(backend: DiffusersBackend, request: GenerationRequest) -> Any:
    import torch

    pipe = backend.pipeline
    pipe.scheduler = backend.scheduler_for(request.sampler, request.seed)
    generator_device = "cuda" if backend.device.type == "cuda" else "cpu"
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
