from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine.upscale.tiny_esrgan import save_tiny_esrgan


@pytest.fixture(scope="session")
def esrgan_pth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_tiny_esrgan(tmp_path_factory.mktemp("upscalers"), suffix=".pth")


@pytest.fixture(scope="session")
def esrgan_safetensors(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_tiny_esrgan(tmp_path_factory.mktemp("upscalers"), suffix=".safetensors")
