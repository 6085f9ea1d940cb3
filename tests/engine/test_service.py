"""EngineService: model resolution, warm backends, switching, and failing soft."""

from __future__ import annotations

import shutil
import socket
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import torch

from studio.domain.errors import (
    DamagedModelError,
    InvalidRequestError,
    JobCancelled,
    ModelLoadError,
    ModelNotFoundError,
    UnsafeModelError,
)
from studio.domain.models import ModelFamily
from studio.engine.registry import ModelRegistry
from studio.engine.sd.diffusers_backend import load_diffusers_backend
from studio.engine.service import EngineService

from .helpers import run_all, tiny_request, tiny_settings


@pytest.fixture
def service(tiny_sd1_dir: Path, tiny_sdxl_dir: Path, empty_dir: Path):
    """A fresh engine, for tests that switch, reconfigure or close it."""
    engine = EngineService(tiny_settings(tiny_sd1_dir, tiny_sdxl_dir, builtin_dir=empty_dir))
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def warm_service(tiny_sd1_dir: Path, tiny_sdxl_dir: Path, empty_dir: Path):
    """One engine for the tests that only need tiny-sd1 loaded (it stays loaded)."""
    engine = EngineService(tiny_settings(tiny_sd1_dir, tiny_sdxl_dir, builtin_dir=empty_dir))
    yield engine
    engine.close()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args, **_kwargs):
        raise AssertionError("the engine tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_default_model_loads_once_and_stays_warm(service: EngineService) -> None:
    events: list = []
    (image,) = run_all(service, tiny_request(model=""), events)
    assert events[0].message == "Loading tiny-sd1" and events[0].step == 0
    assert image.request.model == service.backend.model.id  # the recipe names the model used
    backend = service.backend
    events.clear()
    run_all(service, tiny_request(model="tiny-sd1"), events)
    assert service.backend is backend
    assert not any(e.message for e in events)


def test_sdxl_folder_generates_and_switching_unloads_the_previous(service: EngineService) -> None:
    run_all(service, tiny_request(model="tiny-sd1", steps=1))
    previous = service.backend
    (image,) = run_all(service, tiny_request(model="tiny-sdxl", steps=2, seed=4))
    assert image.pixels.shape == (64, 64, 3) and image.model_name == "tiny-sdxl"
    assert service.backend.model.family is ModelFamily.SDXL
    with pytest.raises(ModelLoadError, match="unloaded"):
        previous.pipeline  # noqa: B018  (the old model's memory was released)


def test_single_file_loads_offline_and_matches_its_folder(
    sd1_backend, tiny_sd1_dir: Path, tiny_sd1_file: Path, no_network
) -> None:
    info = ModelRegistry(tiny_settings(builtin_dir=tiny_sd1_dir)).inspect_path(tiny_sd1_file)
    backend = load_diffusers_backend(
        info, torch.device("cpu"), torch.float32, config_dir=tiny_sd1_dir
    )
    try:
        (from_file,) = run_all(backend, tiny_request(seed=5))
        (from_folder,) = run_all(sd1_backend, tiny_request(seed=5))
    finally:
        backend.unload()
    assert np.array_equal(from_file.pixels, from_folder.pixels)
    assert len(from_file.model_hash) == 10 and from_file.model_name == "tiny-sd1"


def test_sdxl_single_file_loads_offline(
    tiny_sdxl_dir: Path, tiny_sdxl_file: Path, no_network
) -> None:
    info = ModelRegistry(tiny_settings(builtin_dir=tiny_sdxl_dir)).inspect_path(tiny_sdxl_file)
    backend = load_diffusers_backend(
        info, torch.device("cpu"), torch.float32, config_dir=tiny_sdxl_dir
    )
    try:
        (image,) = run_all(backend, tiny_request(steps=2))
    finally:
        backend.unload()
    assert image.pixels.shape == (64, 64, 3)


def _bad_files(folder: Path, marker: Path) -> dict[str, Path]:
    import os

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    files = {
        "renamed-zip": folder / "renamed.safetensors",
        "truncated": folder / "truncated.safetensors",
        "huge-header": folder / "huge.safetensors",
        "truncated-ckpt": folder / "cut.ckpt",
        "malicious": folder / "evil.ckpt",
    }
    torch.save({"w": torch.ones(4)}, files["renamed-zip"])
    files["truncated"].write_bytes(b'\x10\x00\x00\x00\x00\x00\x00\x00{"w": {"dtype"')
    files["huge-header"].write_bytes(b"\xff" * 8 + b"{}")
    whole = folder / "whole.ckpt"
    torch.save({"w": torch.ones(1000)}, whole)
    files["truncated-ckpt"].write_bytes(whole.read_bytes()[:500])
    torch.save({"state_dict": {"w": torch.ones(1)}, "x": Payload()}, files["malicious"])
    return files


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("renamed-zip", DamagedModelError),
        ("truncated", DamagedModelError),
        ("huge-header", DamagedModelError),
        ("truncated-ckpt", DamagedModelError),
        ("malicious", UnsafeModelError),
    ],
)
def test_bad_file_fails_clearly_and_previous_model_keeps_working(
    warm_service: EngineService, tmp_path: Path, kind: str, error: type
) -> None:
    marker = tmp_path / "pwned"
    bad = _bad_files(tmp_path, marker)[kind]
    run_all(warm_service, tiny_request(model="tiny-sd1", steps=1))
    loaded = warm_service.backend
    with pytest.raises(error) as caught:
        run_all(warm_service, tiny_request(model=str(bad), steps=1))
    assert bad.name in str(caught.value)
    assert not marker.exists()
    assert warm_service.backend is loaded
    (image,) = run_all(warm_service, tiny_request(model="tiny-sd1", steps=1))
    assert image.pixels.shape == (64, 64, 3)


def test_weights_that_do_not_fit_the_shipped_config_fail_softly(
    warm_service: EngineService, tiny_sd1_file: Path
) -> None:
    """The tiny checkpoint is detected as SD 1.x but cannot fill the full-size SD 1.5 config."""
    run_all(warm_service, tiny_request(model="tiny-sd1", steps=1))
    loaded = warm_service.backend
    with pytest.raises(ModelLoadError, match="tiny-sd1"):
        run_all(warm_service, tiny_request(model=str(tiny_sd1_file), steps=1))
    assert warm_service.backend is loaded


def test_code_next_to_models_is_never_imported(
    tmp_path: Path, tiny_sd1_dir: Path, empty_dir: Path
) -> None:
    marker = tmp_path / "imported"
    evil = f"open({str(marker)!r}, 'w').close()\n"
    folder = tmp_path / "downloads"
    shutil.copytree(tiny_sd1_dir, folder / "pipeline")
    # Code beside the models stays unrun and harmless; code inside a model folder makes
    # Studio refuse that folder (tests/hostile/test_model_code.py).
    for place in (folder,):
        (place / "__init__.py").write_text(evil)
        (place / "pipeline.py").write_text(evil)
        (place / "tiny_sd1.py").write_text(evil)
    engine = EngineService(tiny_settings(folder, builtin_dir=empty_dir))
    try:
        assert [m.name for m in engine.list_models()] == ["pipeline"]
        (image,) = run_all(engine, tiny_request(steps=1))
    finally:
        engine.close()
    assert image.pixels.shape == (64, 64, 3)
    assert not marker.exists()
    assert "pipeline" not in sys.modules and "tiny_sd1" not in sys.modules


def test_unknown_model_and_other_job_types_are_clear_errors(warm_service: EngineService) -> None:
    with pytest.raises(ModelNotFoundError, match="tiny-sd1"):
        run_all(warm_service, tiny_request(model="no-such-model"))
    with pytest.raises(InvalidRequestError, match="cannot run"):
        list(warm_service.run(object(), lambda _u: None, threading.Event()))


def test_cancel_before_start_runs_nothing(warm_service: EngineService) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(JobCancelled):
        list(warm_service.run(tiny_request(), lambda _u: None, cancel))


def test_builtin_models_go_to_their_loader_and_fail_softly(
    warm_service: EngineService, tmp_path: Path, tiny_sd1_dir: Path
) -> None:
    """A broken built-in model folder is a clear load error; the loaded model keeps working."""
    folder = tmp_path / "builtin" / "sprites"
    folder.mkdir(parents=True)
    (folder / "studio_model.json").write_text('{"family": "diffusion", "name": "builtin-x"}')
    (folder / "model.safetensors").write_bytes(b"")
    run_all(warm_service, tiny_request(model="tiny-sd1", steps=1))
    loaded = warm_service.backend
    original = warm_service.registry.settings
    warm_service.update_settings(tiny_settings(tiny_sd1_dir, builtin_dir=tmp_path / "builtin"))
    try:
        assert warm_service.registry.default().id == "builtin-x"
        with pytest.raises(ModelLoadError):
            run_all(warm_service, tiny_request(model="builtin-x"))
        assert warm_service.backend is loaded
        (image,) = run_all(warm_service, tiny_request(model="tiny-sd1", steps=1))
    finally:
        warm_service.update_settings(original)
    assert image.pixels.shape == (64, 64, 3)


def test_add_model_path_validates_without_loading(
    service: EngineService, tiny_sdxl_file: Path, tmp_path: Path
) -> None:
    info = service.add_model_path(str(tiny_sdxl_file))
    assert info.family is ModelFamily.SDXL and service.backend is None
    (tmp_path / "x.safetensors").write_bytes(b"\x00")
    with pytest.raises(DamagedModelError):
        service.add_model_path(str(tmp_path / "x.safetensors"))


def test_settings_change_and_close_release_the_model(service: EngineService) -> None:
    run_all(service, tiny_request(steps=1))
    first = service.backend
    service.update_settings(service.registry.settings.without_model_path("unused"))
    assert service.backend is first  # nothing relevant changed
    from dataclasses import replace

    service.update_settings(replace(service.registry.settings, device="auto"))
    assert service.backend is None
    run_all(service, tiny_request(steps=1))
    service.close()
    assert service.backend is None


def test_requests_that_cannot_suit_the_model_fail_before_loading(service: EngineService) -> None:
    odd = tiny_request()
    object.__setattr__(odd, "width", 100)  # bypasses the request's own check, as old data might
    with pytest.raises(InvalidRequestError, match=r"multiple of 8.*96"):
        run_all(service, odd)
    with pytest.raises(InvalidRequestError, match="at most 50"):
        run_all(service, tiny_request(sampler="LCM", steps=60))
    assert service.backend is None
