"""Fixtures for engine tests: tiny random SD/SDXL pipelines built locally, never downloaded.

Building and loading a tiny pipeline takes about a second, so folders and loaded backends are
session-scoped; tests that damage or swap models get their own copies.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.domain.settings import EngineSettings

HERE = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _one_cpu_thread(request: pytest.FixtureRequest):
    """Tiny models run several times faster on one thread than on two contended ones.

    Only for the tests in this folder; the built-in and style suites keep their own settings.
    """
    if request.path.parent != HERE:
        yield
        return
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="session")
def tiny_sd1_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from studio.bench.tiny_models import build_tiny_pipeline

    return build_tiny_pipeline(tmp_path_factory.mktemp("models") / "tiny-sd1", "sd1", seed=0)


@pytest.fixture(scope="session")
def tiny_sdxl_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from studio.bench.tiny_models import build_tiny_pipeline

    return build_tiny_pipeline(tmp_path_factory.mktemp("models") / "tiny-sdxl", "sdxl", seed=0)


@pytest.fixture(scope="session")
def tiny_sd1_file(tiny_sd1_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from studio.bench.tiny_models import export_single_file

    return export_single_file(
        tiny_sd1_dir, tmp_path_factory.mktemp("files") / "tiny-sd1.safetensors"
    )


@pytest.fixture(scope="session")
def tiny_sdxl_file(tiny_sdxl_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from studio.bench.tiny_models import export_single_file

    return export_single_file(
        tiny_sdxl_dir, tmp_path_factory.mktemp("files") / "tiny-sdxl.safetensors"
    )


@pytest.fixture(scope="session")
def empty_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("empty")


@pytest.fixture(scope="session")
def sd1_backend(tiny_sd1_dir: Path):
    """The tiny SD 1.x folder loaded once for the whole session (CPU, float32)."""
    import torch

    from studio.engine.registry import ModelRegistry
    from studio.engine.sd.diffusers_backend import load_diffusers_backend

    info = ModelRegistry(EngineSettings(scan_hf_cache=False)).inspect_path(tiny_sd1_dir)
    backend = load_diffusers_backend(info, torch.device("cpu"), torch.float32)
    yield backend
    backend.unload()
