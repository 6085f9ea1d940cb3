"""CLI fixtures: a tiny SD model on disk and a private config folder per test."""

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
