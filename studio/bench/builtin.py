"""``studio bench builtin``: how long one sprite takes with each built-in model.

Every model goes through the engine service exactly as a GUI or CLI job does (registry,
loader, backend, request defaults), so the numbers are what an artist waits for. Each model is
loaded and one image made before timing; then the models take turns, one image each per
round, so a change in machine load hits them all alike. The median and the min-max of the
timed images are reported.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from studio.bench.machine import progress, spread_warnings, timing_summary
from studio.domain.models import ModelInfo
from studio.domain.requests import GenerationRequest
from studio.domain.settings import EngineSettings
from studio.engine.builtin import discover_builtin_models, read_manifest
from studio.engine.device import pick_device
from studio.engine.service import EngineService

PROMPT = "a red dragon, game icon"


class _TimedModel:
    """One built-in model on its own engine service (a service holds one model at a time)."""

    def __init__(self, info: ModelInfo, settings: EngineSettings, device: str, size: int) -> None:
        self.info = info
        self.size = size
        self.service = EngineService(settings, device_preference=device)
        self.steps = 0
        self.times: list[float] = []

    def image(self, seed: int, prompt: str) -> float:
        """Seconds for one image, as a job makes it."""
        request = GenerationRequest(
            prompt, model=self.info.id, width=self.size, height=self.size, seed=seed
        )
        cancel = threading.Event()

        def on_progress(update) -> None:
            self.steps = update.total

        started = time.perf_counter()
        for _ in self.service.run(request, on_progress, cancel):
            pass
        return time.perf_counter() - started


def bench_builtin(
    models_dir: Path | None = None,
    size: int = 64,
    repeats: int = 5,
    device: str = "cpu",
    prompt: str = PROMPT,
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

    Returns
    -------
    list of dict
        One row per model: ``model``, ``family``, ``device``, ``size``, ``steps`` (progress
        steps the family reports for the default request), ``load_s`` (first image, model
        load included), ``image_s`` (median, min, max and spread of the seconds per image once
        loaded) and ``warnings`` (a spread over 20 %).
    """
    infos = discover_builtin_models(models_dir)
    settings = EngineSettings(
        scan_hf_cache=False, builtin_models_dir=None if models_dir is None else str(models_dir)
    )
    where = str(pick_device(device)[0])
    models: list[_TimedModel] = []
    try:
        load_times = []
        for info in infos:
            progress(f"builtin: loading {info.id} and making one untimed image")
            models.append(_TimedModel(info, settings, device, size))
            load_times.append(models[-1].image(0, prompt))
        rounds = max(1, repeats)
        for round_number in range(1, rounds + 1):
            for model in models:
                model.times.append(model.image(round_number, prompt))
            times = ", ".join(f"{m.info.id} {m.times[-1]:.3f} s" for m in models)
            progress(f"builtin: round {round_number}/{rounds}: {times}")
        return [
            _row(model, where, load_s) for model, load_s in zip(models, load_times, strict=True)
        ]
    finally:
        for model in models:
            model.service.close()


def _row(model: _TimedModel, device: str, load_s: float) -> dict[str, Any]:
    manifest = read_manifest(Path(model.info.location)) or {}
    image_s = timing_summary(model.times)
    return {
        "model": model.info.id,
        "family": manifest.get("family", "?"),
        "device": device,
        "size": model.size,
        "steps": model.steps,
        "repeats": len(model.times),
        "load_s": round(load_s, 3),
        "image_s": image_s,
        "warnings": spread_warnings({f"{model.info.id}'s time per image": image_s}),
    }
