"""``studio bench builtin``: how long one sprite takes with each built-in model.

Every model goes through the engine service exactly as a GUI or CLI job does (registry,
loader, backend, request defaults), so the numbers are what an artist waits for. The model is
loaded and one image made before timing; the median of the timed images is reported.
"""

from __future__ import annotations

import statistics
import threading
import time
from pathlib import Path
from typing import Any

from studio.domain.requests import GenerationRequest
from studio.domain.settings import EngineSettings
from studio.engine.builtin import discover_builtin_models, read_manifest
from studio.engine.device import pick_device
from studio.engine.service import EngineService

PROMPT = "a red dragon, game icon"


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
        Timed images per model; the median is reported.
    device
        ``"cpu"`` (the default: the figure the model cards quote), ``"cuda"`` or ``"auto"``.
    prompt
        The prompt every model draws (seeds 0, 1, 2 ...).

    Returns
    -------
    list of dict
        One row per model: ``model``, ``family``, ``device``, ``size``, ``steps`` (progress
        steps the family reports for the default request), ``load_s`` (first image, model
        load included) and ``image_s`` (median seconds per image once loaded).
    """
    infos = discover_builtin_models(models_dir)
    settings = EngineSettings(
        scan_hf_cache=False, builtin_models_dir=None if models_dir is None else str(models_dir)
    )
    service = EngineService(settings, device_preference=device)
    where = str(pick_device(device)[0])
    try:
        return [
            _bench_one(service, info.id, Path(info.location), where, size, repeats, prompt)
            for info in infos
        ]
    finally:
        service.close()


def _bench_one(
    service: EngineService,
    model: str,
    folder: Path,
    device: str,
    size: int,
    repeats: int,
    prompt: str,
) -> dict[str, Any]:
    cancel = threading.Event()
    steps: list[int] = []

    def one(seed: int) -> float:
        request = GenerationRequest(prompt, model=model, width=size, height=size, seed=seed)
        started = time.perf_counter()
        for _ in service.run(request, lambda update: steps.append(update.total), cancel):
            pass
        return time.perf_counter() - started

    load_s = one(0)
    times = [one(seed) for seed in range(1, max(1, repeats) + 1)]
    manifest = read_manifest(folder) or {}
    return {
        "model": model,
        "family": manifest.get("family", "?"),
        "device": device,
        "size": size,
        "steps": steps[-1] if steps else 0,
        "load_s": round(load_s, 3),
        "image_s": round(statistics.median(times), 4),
    }
