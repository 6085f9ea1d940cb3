"""Eager against fast path on a tiny SD model, in a fresh Python: the pixel difference as JSON.

``python -m tests.engine.fast_path_probe MODEL_DIR`` loads the tiny pipeline in ``MODEL_DIR``,
makes one image eager, switches the pipeline to the fast path, makes the same image again and
prints ``{"max": ..., "blank": ...}`` on stdout. It runs in a process of its own because
inductor keeps process-wide compile state (its caches, its worker pool, dynamo's guards): inside
a long test session that state made the comparison fail though it passed alone.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def compare(model_dir: Path) -> dict[str, object]:
    """The largest pixel difference (0-255) between the eager and the fast image of one request."""
    import numpy as np
    import torch

    from studio.domain.requests import GenerationRequest
    from studio.domain.settings import EngineSettings
    from studio.engine.registry import ModelRegistry
    from studio.engine.sd.diffusers_backend import load_diffusers_backend
    from studio.engine.sd.fast_path import apply_fast_path
    from tests.engine.helpers import run_all

    info = ModelRegistry(EngineSettings(scan_hf_cache=False)).inspect_path(model_dir)
    backend = load_diffusers_backend(info, torch.device("cpu"), torch.float32)
    request = GenerationRequest(
        prompt="a small house", width=64, height=64, steps=2, seed=7, sampler="Euler"
    )
    try:
        (eager,) = run_all(backend, request)
        apply_fast_path(backend.pipeline)
        (fast,) = run_all(backend, request)
    finally:
        backend.unload()
    difference = np.abs(eager.pixels.astype(int) - fast.pixels.astype(int))
    return {"max": int(difference.max()), "blank": bool(not eager.pixels.any())}


if __name__ == "__main__":
    print(json.dumps(compare(Path(sys.argv[1]))))
