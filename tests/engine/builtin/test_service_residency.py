"""The engine service keeps one generation model resident, fails soft and unloads on close."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from studio.domain.errors import DamagedModelError
from studio.domain.requests import GenerationRequest
from studio.domain.settings import EngineSettings
from studio.engine.builtin import MANIFEST_NAME, WEIGHTS_NAME
from studio.engine.residency import ResidentKind
from studio.engine.service import EngineService


def _run(service: EngineService, model: str) -> None:
    request = GenerationRequest(prompt="a red heart", width=32, height=32, seed=3, model=model)
    images = list(service.run(request, lambda _update: None, threading.Event()))
    assert images[0].model_name and images[0].request.model == model


@pytest.fixture
def service(builtin_model_dirs: dict[str, Path], tmp_path: Path):
    """An engine on the CPU seeing the tiny VAE and GAN and a copy of the GAN with cut weights."""
    root = tmp_path / "builtin"
    for family in ("vae", "gan"):
        shutil.copytree(builtin_model_dirs[family], root / f"tiny-{family}")
    broken = root / "tiny-broken"
    shutil.copytree(builtin_model_dirs["gan"], broken)
    manifest = broken / MANIFEST_NAME
    manifest.write_text(manifest.read_text().replace('"tiny-gan"', '"tiny-broken"'))
    weights = broken / WEIGHTS_NAME
    weights.write_bytes(weights.read_bytes()[:200])
    engine = EngineService(
        EngineSettings(device="cpu", scan_hf_cache=False, builtin_models_dir=str(root))
    )
    yield engine
    engine.close()


def test_ten_swaps_between_two_models_leave_one_resident(service: EngineService) -> None:
    backends = []
    for swap in range(10):
        _run(service, "tiny-vae" if swap % 2 == 0 else "tiny-gan")
        backends.append(service.backend)
        assert len(service.residency.resident(ResidentKind.GENERATOR)) == 1
    assert len(service.residency) == 1
    assert all(backend.sampler is None for backend in backends[:-1])  # each was unloaded
    assert backends[-1].sampler is not None


def test_a_failed_load_keeps_the_previous_model(service: EngineService) -> None:
    _run(service, "tiny-vae")
    previous = service.backend
    with pytest.raises(DamagedModelError):
        _run(service, "tiny-broken")
    assert service.backend is previous and previous.sampler is not None
    _run(service, "tiny-vae")  # and it still generates, without a reload
    assert service.backend is previous


def test_close_unloads_everything(service: EngineService) -> None:
    _run(service, "tiny-gan")
    backend = service.backend
    service.close()
    assert len(service.residency) == 0 and service.backend is None
    assert backend.sampler is None
