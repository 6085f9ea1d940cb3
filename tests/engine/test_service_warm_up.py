"""Warm-up readies the default model; torch is imported once, with the collector kept out."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from studio.domain.settings import EngineSettings
from studio.engine.service import EngineService

ROOT = Path(__file__).resolve().parents[2]


def test_torch_stack_imports_once_and_freezes_its_objects(tmp_path) -> None:
    # No built-in models here, so the default (none) gives the numpy runtime nothing to load.
    settings = EngineSettings(device="cpu", scan_hf_cache=False, builtin_models_dir=str(tmp_path))
    service = EngineService(settings)
    service.warm_up()
    assert {"torch", "diffusers", "studio.engine.sd.diffusers_backend"} <= set(sys.modules)
    assert gc.isenabled()
    assert gc.get_freeze_count() > 100_000


def test_warm_up_loads_the_builtin_default_without_torch(tmp_path) -> None:
    script = (
        "import sys\n"
        "from studio.domain.settings import EngineSettings\n"
        "from studio.engine.service import EngineService\n"
        "service = EngineService(EngineSettings(scan_hf_cache=False))\n"
        "service.warm_up()\n"
        "print('LOADED', service.backend.model.id, 'torch' in sys.modules)\n"
        "print('PRESETS', len(service.style_presets()), 'torch' in sys.modules)\n"
    )
    env = {
        **__import__("os").environ,
        "STUDIO_CONFIG_DIR": str(tmp_path / "config"),
        "STUDIO_DATA_DIR": str(tmp_path / "data"),
    }
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert "LOADED builtin-vae False" in result.stdout, result.stdout + result.stderr
    # The shipped preset thumbnails fit the packaged network: no rendering, no torch.
    assert "PRESETS 26 False" in result.stdout, result.stdout + result.stderr


def test_a_torch_job_without_pipelines_does_not_wait_for_diffusers(tmp_path) -> None:
    # A style job or a built-in diffusion model needs torch, not diffusers and transformers
    # (seconds of imports that the first style job measured 20 s with on a busy machine).
    script = (
        "import sys\n"
        "from studio.domain.settings import EngineSettings\n"
        "from studio.engine.service import EngineService\n"
        "service = EngineService(EngineSettings(device='cpu', scan_hf_cache=False))\n"
        "service._device_and_dtype()\n"
        "print('IMPORTED', 'torch' in sys.modules, 'diffusers' in sys.modules,\n"
        "      'transformers' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert "IMPORTED True False False" in result.stdout, result.stdout + result.stderr
