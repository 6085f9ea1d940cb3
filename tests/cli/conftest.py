"""CLI fixtures: a tiny SD model on disk (alone, or in an A1111 install with LoRAs) and a
private config folder per test."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def private_studio_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings, recovery files and the HF cache scan stay inside the test's folder."""
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    return tmp_path


@pytest.fixture(scope="session")
def tiny_sd_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from studio.bench.tiny_models import build_tiny_pipeline

    return build_tiny_pipeline(tmp_path_factory.mktemp("cli-models") / "tiny-sd1", "sd1", seed=0)


@pytest.fixture
def one_thread():
    """Tiny models run faster on one thread than on two busy ones."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture
def lora_webui(tiny_sd_dir: Path, tmp_path: Path) -> Path:
    """An A1111-shaped install: the tiny model in models/Stable-diffusion, LoRAs in models/Lora."""
    import torch
    from transformers import CLIPTextModel

    from tests.engine.addon_files import kohya_lora, save_safetensors
    from tests.sd_fixtures import a1111_install

    models = a1111_install(tiny_sd_dir, tmp_path)
    encoder = CLIPTextModel.from_pretrained(tiny_sd_dir / "text_encoder")
    save_safetensors(kohya_lora({"lora_te_": encoder}), models / "Lora" / "style.safetensors")
    unet = "lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k"
    save_safetensors(
        {
            f"{unet}.lora_down.weight": torch.zeros(2, 2048),
            f"{unet}.lora_up.weight": torch.zeros(640, 2),
        },
        models / "Lora" / "xl.safetensors",
    )
    return models / "Stable-diffusion" / "tiny"
