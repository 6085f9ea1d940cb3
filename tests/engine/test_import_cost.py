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


FIRST_SPRITE = """
import sys
from studio.cli import main
code = main(["generate", "a red dragon", "--seed", "1", "-o", sys.argv[1]])
heavy = sorted(m for m in ("torch", "diffusers", "transformers", "huggingface_hub")
               if m in sys.modules)
print("HEAVY", heavy, "CODE", code)
"""


def test_the_default_models_first_sprite_imports_no_torch(tmp_path: Path) -> None:
    # The 2-second first image rests on this: the shipped default (the VAE) runs on the numpy
    # runtime, and an empty Hugging Face cache is seen without importing huggingface_hub.
    out = tmp_path / "dragon.png"
    env = {
        **__import__("os").environ,
        "STUDIO_CONFIG_DIR": str(tmp_path / "config"),
        "STUDIO_DATA_DIR": str(tmp_path / "data"),
        "HF_HUB_CACHE": str(tmp_path / "empty-hf-cache"),
    }
    result = subprocess.run(
        [sys.executable, "-c", FIRST_SPRITE, str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
        env=env,
    )
    assert "HEAVY [] CODE 0" in result.stdout, result.stdout + result.stderr
    assert out.is_file()


def test_a_hub_cache_with_models_is_still_scanned(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from studio.engine.sd.hf_cache import scan_hf_pipelines\n"
        "scan_hf_pipelines()\n"
        "print('SCANNED', 'huggingface_hub' in sys.modules)\n"
    )
    cache = tmp_path / "hub"
    (cache / "models--someone--sd").mkdir(parents=True)
    env = {**__import__("os").environ, "HF_HUB_CACHE": str(cache)}
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
        env=env,
    )
    assert "SCANNED True" in result.stdout, result.stdout + result.stderr
