"""The upscale job: spandrel finds the model, alpha is kept, the recipe says what was done."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from studio.domain.image_requests import EditSource
from studio.domain.job_kind import JobKind
from studio.domain.results import ProgressUpdate
from studio.domain.settings import EngineSettings
from studio.domain.upscale_request import UpscaleRequest
from studio.engine.upscale import run_upscale_job
from studio.engine.upscale.job import ALPHA_THROUGH_MODEL
from studio.imaging.pixels import upscale_nearest
from studio.imaging.result import encode_result

torch = pytest.importorskip("torch")
CPU = (torch.device("cpu"), torch.float32)


def _run(request: UpscaleRequest, settings: EngineSettings | None = None, progress=None):
    from studio.engine.registry import ModelRegistry

    updates: list[ProgressUpdate] = [] if progress is None else progress
    index = ModelRegistry(settings or EngineSettings(scan_hf_cache=False))
    return run_upscale_job(request, index, lambda: CPU, updates.append, threading.Event())


def _pixels(height: int = 24, width: int = 20, channels: int = 4) -> np.ndarray:
    rng = np.random.default_rng(5)
    pixels = rng.integers(0, 256, (height, width, channels), dtype=np.uint8)
    if channels == 4:
        pixels[..., 3] = 255
    return pixels


@pytest.mark.parametrize("fixture", ["esrgan_pth", "esrgan_safetensors"])
def test_spandrel_detects_the_tiny_real_esrgan(fixture: str, request) -> None:
    from studio.engine.upscale.load import load_upscaler

    descriptor = load_upscaler(request.getfixturevalue(fixture))
    assert (descriptor.architecture.name, descriptor.scale) == ("ESRGAN", 4)


def test_model_upscale_by_its_own_factor_with_the_recipe(esrgan_pth: Path) -> None:
    source = EditSource(7, "a red potion", {"prompt": "a red potion"})
    request = UpscaleRequest(_pixels(channels=3), model=str(esrgan_pth), source=source)
    updates: list[ProgressUpdate] = []
    image = _run(request, progress=updates)
    assert image.pixels.shape == (96, 80, 3) and image.kind == JobKind.UPSCALE
    assert [u.step for u in updates if not u.message] == [1]  # one tile, reported
    assert image.extra["source_recipe"] == {"prompt": "a red potion"}
    text = encode_result(image).png
    assert b"Postprocess upscale by: 4, Postprocess upscaler: tiny-esrgan" in text
    assert str(esrgan_pth.parent).encode() not in text  # the recipe names, never a path


def test_alpha_is_upscaled_on_its_own(esrgan_pth: Path) -> None:
    pixels = _pixels()
    pixels[:, :10, 3] = 0  # the left half transparent
    image = _run(UpscaleRequest(pixels, model=str(esrgan_pth)))
    colour = _run(UpscaleRequest(pixels[..., :3], model=str(esrgan_pth))).pixels
    grey = np.repeat(pixels[..., 3:], 3, axis=2)  # the alpha as a grey image
    alpha = _run(UpscaleRequest(grey, model=str(esrgan_pth))).pixels.astype(float).mean(axis=2)
    assert image.pixels.shape == (96, 80, 4)
    # The colour never sees the alpha, and the alpha is the model's grey upscale of it.
    assert np.array_equal(image.pixels[..., :3], colour)
    assert np.abs(image.pixels[..., 3] - alpha).max() <= 1
    assert image.extra["Alpha"] == ALPHA_THROUGH_MODEL


def test_opaque_alpha_stays_opaque_without_a_second_pass(esrgan_pth: Path) -> None:
    updates: list[ProgressUpdate] = []
    image = _run(UpscaleRequest(_pixels(), model=str(esrgan_pth)), progress=updates)
    assert (image.pixels[..., 3] == 255).all()
    assert [u.total for u in updates if not u.message] == [1]


def test_another_scale_resizes_the_model_output(esrgan_pth: Path) -> None:
    image = _run(UpscaleRequest(_pixels(), model=str(esrgan_pth), scale=2, tile_x=True))
    assert image.pixels.shape == (48, 40, 4)
    assert image.extra["Postprocess upscale by"] == 2


def test_nearest_needs_no_model() -> None:
    pixels = _pixels(8, 6)
    image = _run(UpscaleRequest(pixels, model="nearest", scale=3))
    assert np.array_equal(image.pixels, upscale_nearest(pixels, 3))
    assert image.extra["Postprocess upscaler"] == "nearest"


def test_a_name_is_found_in_an_a1111_install(esrgan_pth: Path, tmp_path: Path) -> None:
    folder = tmp_path / "webui" / "models" / "ESRGAN"
    folder.mkdir(parents=True)
    (folder / "4x-Tiny.pth").write_bytes(esrgan_pth.read_bytes())
    (tmp_path / "webui" / "models" / "Stable-diffusion").mkdir()
    settings = EngineSettings(model_paths=(str(tmp_path / "webui"),), scan_hf_cache=False)
    image = _run(UpscaleRequest(_pixels(8, 8), model="4x-Tiny"), settings)
    assert image.model_name == "4x-Tiny" and image.width == 32


def test_an_unknown_name_lists_what_the_folders_hold(esrgan_pth: Path, tmp_path: Path) -> None:
    from studio.domain.errors import ModelNotFoundError

    folder = tmp_path / "ComfyUI" / "models" / "upscale_models"
    folder.mkdir(parents=True)
    (tmp_path / "ComfyUI" / "models" / "checkpoints").mkdir()
    (folder / "4x-Tiny.pth").write_bytes(esrgan_pth.read_bytes())
    settings = EngineSettings(model_paths=(str(tmp_path / "ComfyUI"),), scan_hf_cache=False)
    with pytest.raises(ModelNotFoundError, match=r"No upscaler named 'nope' in .*Found: 4x-Tiny"):
        _run(UpscaleRequest(_pixels(8, 8), model="nope"), settings)


def test_the_engine_service_runs_it(esrgan_pth: Path) -> None:
    from studio.engine.service import EngineService

    service = EngineService(EngineSettings(), device_preference="cpu")
    request = UpscaleRequest(_pixels(8, 8), model=str(esrgan_pth))
    (image,) = service.run(request, lambda _update: None, threading.Event())
    assert image.pixels.shape == (32, 32, 4)


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    from studio.domain.errors import ModelNotFoundError

    missing = tmp_path / "4x-Gone.pth"
    with pytest.raises(ModelNotFoundError, match=r"^The upscaler file .*Gone.pth does not exist"):
        _run(UpscaleRequest(_pixels(8, 8), model=str(missing)))


def test_pixels_that_are_not_rgb_or_rgba_are_refused_in_one_line() -> None:
    from studio.domain.errors import InvalidRequestError

    with pytest.raises(InvalidRequestError, match=r"^Cannot upscale #4: it is not RGB or RGBA"):
        UpscaleRequest(np.zeros((4, 4), np.uint8), name="#4")
