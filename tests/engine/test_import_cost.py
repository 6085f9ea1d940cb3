"""Listing models needs no torch (``studio --help`` and the model menu stay fast)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import torch
from safetensors.torch import save_file

SCRIPT = """
import sys
from studio.domain.settings import EngineSettings
from studio.engine.registry import ModelRegistry
from studio.engine.service import EngineService
models = ModelRegistry(EngineSettings(model_paths=(sys.argv[1],), scan_hf_cache=False,
                                      builtin_models_dir=sys.argv[1])).models()
EngineService(EngineSettings(scan_hf_cache=False)).list_models()
assert [m.family.value for m in models] == ["sd1"], models
assert "torch" not in sys.modules, "listing imported torch"
assert "diffusers" not in sys.modules, "listing imported diffusers"
"""


def test_listing_models_does_not_import_torch(tmp_path: Path) -> None:
    state = {
        "model.diffusion_model.input_blocks.0.0.weight": torch.zeros(8, 4, 3, 3),
        "cond_stage_model.transformer.text_model.embeddings.token_embedding.weight": torch.zeros(
            4, 2
        ),
    }
    save_file(state, tmp_path / "model.safetensors")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, result.stderr
