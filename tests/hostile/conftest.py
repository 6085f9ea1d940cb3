"""Hostile-input fixtures: every malicious or broken file is generated here, in tmp folders.

Each case runs under a timeout (pytest-timeout), so a hang is a failure, not a stuck CI job.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from studio.domain.settings import EngineSettings


@pytest.fixture(autouse=True)
def private_studio_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings, recovery files and the HF cache stay inside the test's folder."""
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    return tmp_path


@pytest.fixture(scope="session")
def tiny_sd1_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from studio.bench.tiny_models import build_tiny_pipeline

    return build_tiny_pipeline(tmp_path_factory.mktemp("models") / "tiny-sd1", "sd1", seed=0)


@pytest.fixture
def pipeline_copy(tmp_path: Path, tiny_sd1_dir: Path) -> Path:
    """A private copy of the tiny SD 1.x folder a test may plant files in."""
    return Path(shutil.copytree(tiny_sd1_dir, tmp_path / "models" / "pipeline"))


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    """The file a hostile payload would create; it must never exist."""
    return tmp_path / "CODE-RAN"


def settings_for(*paths: Path, builtin_dir: Path, hf_cache: Path | None = None) -> EngineSettings:
    """Settings that see only ``paths`` (and ``hf_cache`` when given)."""
    return EngineSettings(
        model_paths=tuple(str(p) for p in paths),
        device="cpu",
        scan_hf_cache=hf_cache is not None,
        hf_cache_dir=str(hf_cache) if hf_cache is not None else None,
        builtin_models_dir=str(builtin_dir),
    )
