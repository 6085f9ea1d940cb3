"""Small helpers shared by the engine tests."""

from __future__ import annotations

import threading
from pathlib import Path

from studio.domain.requests import GenerationRequest
from studio.domain.settings import EngineSettings


def tiny_settings(*paths: Path, builtin_dir: Path) -> EngineSettings:
    """Settings that see only ``paths``: no HF cache, no shipped built-in models."""
    return EngineSettings(
        model_paths=tuple(str(p) for p in paths),
        device="cpu",
        scan_hf_cache=False,
        builtin_models_dir=str(builtin_dir),
    )


def tiny_request(**overrides) -> GenerationRequest:
    """A fast request for tiny models: 64x64, 3 steps, fixed seed."""
    values = {"prompt": "a red fox in the snow", "width": 64, "height": 64, "steps": 3, "seed": 7}
    values.update(overrides)
    return GenerationRequest(**values)


def run_all(backend_or_service, request: GenerationRequest, events: list | None = None):
    """Run a job to the end and return its images (and record progress in ``events``)."""
    sink = events.append if events is not None else (lambda _update: None)
    cancel = threading.Event()
    runner = getattr(backend_or_service, "run", None) or backend_or_service.generate
    return list(runner(request, sink, cancel))
