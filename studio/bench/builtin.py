"""``studio bench builtin``: how long one sprite takes with each built-in model, and on how
many threads.

Every model goes through the engine service exactly as a GUI or CLI job does (registry,
loader, backend, request defaults, the thread policy), so the numbers are what an artist waits
for. Each model is loaded and one image made before timing (reported as the first-use cost);
then the models take turns, one image each per round, so a change in machine load hits them
all alike. With ``threads="both"`` each torch model's turn is two images, one on the threads the
policy chose and one on torch's default count, so the two are compared under the same load.
``busy`` busy-loop processes run beside the whole benchmark (the "other work" case).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Literal

from studio.bench.busy_load import busy_processes
from studio.bench.machine import progress, spread_warnings, timing_summary
from studio.domain.models import ModelInfo
from studio.domain.requests import GenerationRequest
from studio.domain.settings import EngineSettings
from studio.engine.builtin import discover_builtin_models, read_manifest
from studio.engine.builtin.loader import runs_on_numpy
from studio.engine.device import pick_device
from studio.engine.service import EngineService
from studio.engine.thread_policy import other_runnable_threads, watching_threads

PROMPT = "a red dragon, game icon"
ThreadMode = Literal["policy", "default", "both"]


class _TimedModel:
    """One built-in model on its own engine service (a service holds one model at a time)."""

    def __init__(self, info: ModelInfo, settings: EngineSettings, device: str, size: int) -> None:
        self.info = info
        self.size = size
        self.family = str((read_manifest(Path(info.location)) or {}).get("family", "?"))
        self.service = EngineService(settings, device_preference=device)
        self.on_numpy = runs_on_numpy(self.family, device)
        self.steps = 0
        self.times: dict[str, list[float]] = {"policy": [], "default": []}
        self.threads: dict[str, set[int]] = {"policy": set(), "default": set()}

    def image(self, seed: int, prompt: str, fixed: int | None = None) -> float:
        """Seconds for one image, as a job makes it, on the policy's threads or on ``fixed``."""
        request = GenerationRequest(
            prompt, model=self.info.id, width=self.size, height=self.size, seed=seed
        )
        cancel = threading.Event()

        def on_progress(update) -> None:
            self.steps = update.total

        with watching_threads(fixed) as watch:
            started = time.perf_counter()
            for _ in self.service.run(request, on_progress, cancel):
                pass
            seconds = time.perf_counter() - started
        self.threads["policy" if fixed is None else "default"].update(watch.chosen)
        return seconds


def bench_builtin(
    models_dir: Path | None = None,
    size: int = 64,
    repeats: int = 5,
    device: str = "cpu",
    prompt: str = PROMPT,
    threads: ThreadMode = "policy",
    busy: int = 0,
) -> list[dict[str, Any]]:
    """Time one ``size`` x ``size`` image of every built-in model in ``models_dir``.

    Parameters
    ----------
    models_dir
        Folder of built-in models; the shipped ``models/`` when ``None``.
    size
        Output side in pixels (a whole multiple of the models' native size).
    repeats
        Timed images per model, in rounds over all models.
    device
        ``"cpu"`` (the default: the figure the model cards quote), ``"cuda"`` or ``"auto"``.
    prompt
        The prompt every model draws (seeds 0, 1, 2 ...).
    threads
        ``"policy"`` (what a job does), ``"default"`` (torch's own thread count for every
        job) or ``"both"``, interleaved (the numpy runtime has no torch threads: policy only).
    busy
        Busy-loop processes run beside the benchmark (the machine is loaded on purpose).

    Returns
    -------
    list of dict
        One row per model: ``model``, ``family``, ``runtime`` (``torch`` or ``numpy``),
        ``device``, ``size``, ``steps``, ``busy``, ``other_runnable`` (other programs'
        runnable threads when the benchmark began), ``load_s`` (first image, model load
        included), ``image_s`` / ``default_image_s`` (median, min, max and spread of the seconds
        per image once loaded, on the policy's / torch's default threads, when timed),
        ``threads`` / ``default_threads`` (the counts those jobs ran on) and ``warnings``.
    """
    import torch

    default_threads = torch.get_num_threads()
    infos = discover_builtin_models(models_dir)
    settings = EngineSettings(
        scan_hf_cache=False, builtin_models_dir=None if models_dir is None else str(models_dir)
    )
    where = str(pick_device(device)[0])
    modes = ("policy", "default") if threads == "both" else (threads,)
    models: list[_TimedModel] = []
    with busy_processes(busy):
        others = other_runnable_threads()
        try:
            load_times = []
            for info in infos:
                progress(f"builtin: loading {info.id} and making one untimed image")
                models.append(_TimedModel(info, settings, device, size))
                load_times.append(models[-1].image(0, prompt))
            for round_number in range(1, max(1, repeats) + 1):
                _round(models, modes, round_number, prompt, default_threads)
                times = ", ".join(
                    f"{m.info.id} {'/'.join(f'{t[-1]:.3f}' for t in m.times.values() if t)} s"
                    for m in models
                )
                progress(f"builtin: round {round_number}/{max(1, repeats)}: {times}")
            return [
                _row(model, where, load_s, busy, others)
                for model, load_s in zip(models, load_times, strict=True)
            ]
        finally:
            for model in models:
                model.service.close()


def _round(
    models: list[_TimedModel], modes: tuple[str, ...], seed: int, prompt: str, default: int
) -> None:
    for model in models:
        for mode in modes:
            if mode == "default" and model.on_numpy and "policy" in modes:
                continue  # no torch threads to compare
            fixed = default if mode == "default" else None
            model.times[mode].append(model.image(seed, prompt, fixed))


def _row(
    model: _TimedModel, device: str, load_s: float, busy: int, others: float | None
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "model": model.info.id,
        "family": model.family,
        "runtime": "numpy" if model.on_numpy else "torch",
        "device": device,
        "size": model.size,
        "steps": model.steps,
        "busy": busy,
        "other_runnable": others,
        "repeats": max(len(times) for times in model.times.values()),
        "load_s": round(load_s, 3),
    }
    series = {}
    for mode, key in (("policy", "image_s"), ("default", "default_image_s")):
        if model.times[mode]:
            row[key] = timing_summary(model.times[mode])
            row[key.replace("image_s", "threads")] = sorted(model.threads[mode])
            series[f"{model.info.id}'s time per image ({mode} threads)"] = row[key]
    row["warnings"] = spread_warnings(series)
    return row
