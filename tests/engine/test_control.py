"""ControlNets on a warm tiny SD 1.x model: both file layouts load, weight, start and end count."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.domain.control import ControlSpec
from studio.domain.errors import ModelLoadError, ModelNotFoundError
from studio.imaging.png import encode_png
from tests.engine.control_files import save_a1111_file, save_diffusers_folder, tiny_controlnet
from tests.engine.helpers import run_all, tiny_request
from tests.sd_fixtures import load_tiny_backend


@pytest.fixture(scope="module")
def control_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("webui")


@pytest.fixture(scope="module")
def backend(tiny_sd1_dir: Path, control_root: Path):
    """A warm tiny SD 1.x model of its own, with ControlNets built from its UNet."""
    loaded = load_tiny_backend(tiny_sd1_dir, control_root)
    controlnet = tiny_controlnet(loaded.pipeline.unet)
    folder = control_root / "models" / "ControlNet"
    save_a1111_file(controlnet, folder / "control_v11p_sd15_canny.safetensors")
    save_diffusers_folder(controlnet, control_root / "diffusers-canny")
    (folder / "control_v11p_sd15_openpose.safetensors").write_bytes(b"\x00" * 64)
    yield loaded
    loaded.unload()


def _edges() -> bytes:
    pixels = np.zeros((64, 64, 3), dtype=np.uint8)
    pixels[16:48, 30:34] = 255
    pixels[30:34, 8:56] = 255
    return encode_png(pixels)


def _pixels(backend, **control) -> np.ndarray:
    controls = (ControlSpec("canny", _edges(), **control),) if control is not None else ()
    return run_all(backend, tiny_request(controls=controls))[0].pixels


def test_weight_zero_gives_the_plain_pixels_and_weight_one_changes_them(backend):
    plain = run_all(backend, tiny_request())[0].pixels
    zero = _pixels(backend, weight=0.0)
    one = _pixels(backend, weight=1.0)
    assert np.abs(zero.astype(int) - plain.astype(int)).max() <= 1
    assert np.abs(one.astype(int) - plain.astype(int)).mean() > 1.0


def test_the_a1111_single_file_and_the_diffusers_folder_load_the_same_weights(
    backend, control_root: Path
):
    from_file = _pixels(backend, model="control_v11p_sd15_canny")
    from_folder = _pixels(backend, model=str(control_root / "diffusers-canny"))
    assert np.array_equal(from_file, from_folder)


def test_the_end_step_is_honoured(backend):
    """With 4 steps and end 0.5 the ControlNet's scale is 1 for two steps, then 0."""
    controlnet = _loaded_controlnet(backend)
    scales: list[float] = []

    def record(_module, _args, kwargs):
        scales.append(float(kwargs["conditioning_scale"]))

    hook = controlnet.register_forward_pre_hook(record, with_kwargs=True)
    try:
        request = tiny_request(steps=4, controls=(ControlSpec("canny", _edges(), end=0.5),))
        run_all(backend, request)
    finally:
        hook.remove()
    assert scales == [1.0, 1.0, 0.0, 0.0]


def _loaded_controlnet(backend):
    run_all(backend, tiny_request(steps=1, controls=(ControlSpec("canny", _edges()),)))
    (model,) = backend.controls._loaded.values()
    return model


def test_the_recipe_names_each_unit_as_a1111_does(backend):
    image = run_all(backend, tiny_request(controls=(ControlSpec("canny", _edges(), weight=0.5),)))[
        0
    ]
    unit = image.extra["ControlNet 0"]
    assert unit.startswith("Module: canny, Model: control_v11p_sd15_canny [")
    assert unit.endswith("Weight: 0.5, Guidance Start: 0.0, Guidance End: 1.0")


def test_no_controlnet_of_the_kind_is_one_line(backend):
    with pytest.raises(ModelNotFoundError, match="No scribble ControlNet for sd1"):
        _pixels_of(backend, ControlSpec("scribble", _edges()))


def test_a_broken_controlnet_file_is_one_line_and_the_model_stays_usable(
    backend, control_root: Path
):
    broken = control_root / "models" / "ControlNet" / "control_v11p_sd15_openpose.safetensors"
    with pytest.raises(ModelLoadError) as caught:
        _pixels_of(backend, ControlSpec("openpose", _edges(), model=str(broken)))
    assert "control_v11p_sd15_openpose" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert run_all(backend, tiny_request())[0].pixels.shape[:2] == (64, 64)


def _pixels_of(backend, control: ControlSpec):
    return run_all(backend, tiny_request(controls=(control,)))


HIRES = {"steps": 2, "hires_scale": 2.0, "hires_upscaler": "lanczos", "hires_steps": 4}


def test_the_hires_pass_runs_the_controls_on_images_at_the_hires_size(backend):
    """Before issue 23's hires work the second pass ran without them: only 64 px inputs."""
    controlnet = _loaded_controlnet(backend)
    sizes: list[tuple[int, int]] = []

    def record(_module, _args, kwargs):
        sizes.append(tuple(kwargs["controlnet_cond"].shape[-2:]))

    hook = controlnet.register_forward_pre_hook(record, with_kwargs=True)
    try:
        request = tiny_request(strength=0.5, controls=(ControlSpec("canny", _edges()),), **HIRES)
        (image,) = run_all(backend, request)
    finally:
        hook.remove()
    assert image.pixels.shape[:2] == (128, 128)
    assert sizes == [(64, 64)] * 2 + [(128, 128)] * 2  # 2 first steps, 2 of the 4 repainted


def test_in_the_hires_pass_weight_zero_is_plain_and_weight_one_steers(backend):
    def hires(**control) -> np.ndarray:
        # The hook test above shows the second pass runs the units; here their weight counts.
        units = (ControlSpec("canny", _edges(), **control),) if control else ()
        request = tiny_request(strength=0.5, controls=units, **HIRES)
        return run_all(backend, request)[0].pixels.astype(int)

    plain = hires()
    assert np.abs(hires(weight=0.0) - plain).max() <= 1
    assert np.abs(hires(weight=1.0) - plain).mean() > 1.0
