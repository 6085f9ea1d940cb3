"""Bad add-on files are refused before the Stable Diffusion model loads, in one line each.

The engine service runs a request against a checkpoint of the SD 1.x layout with no real
weights, and the diffusers loader is wrapped to count its calls: every refusal here must come
with the loader never called (a load would take minutes with a real model, and would fail on
this file with another line). The good files pass, and then the loader is reached.
"""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from studio.domain.control import ControlSpec
from studio.domain.errors import ModelLoadError, StudioError
from studio.domain.models import ModelFamily
from studio.domain.reference import ReferenceImage
from studio.domain.requests import GenerationRequest
from studio.domain.settings import EngineSettings
from studio.engine.registry import ModelRegistry
from studio.engine.sd.addon_check import check_addons
from studio.engine.service import EngineService
from studio.imaging.png import encode_png
from tests.engine import header_files as files

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")

PICTURE = encode_png(np.zeros((64, 64, 3), dtype=np.uint8))


class LoaderCalledError(Exception):
    """The counting hook's answer: the test fails if the model load was reached."""


@pytest.fixture
def models(tmp_path: Path) -> Path:
    """A plain models folder: the checkpoint and one good add-on of each kind."""
    root = tmp_path / "my-files"  # not "models": its parent would read as a ComfyUI install
    files.checkpoint_sd1(root / "fake-sd1.safetensors")
    files.controlnet(root / "controlnet" / "control_sd15_canny.safetensors")
    files.ip_adapter(root / "ipadapter" / "ip-adapter_sd15.safetensors")
    files.image_encoder(root / "ipadapter" / "image_encoder")
    files.lora(root / "loras" / "pixel-style.safetensors")
    files.layerdiffuse_sd15(root / "layerdiffuse")
    return root


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the models the diffusers loader was asked for (the counting hook)."""
    from studio.engine.sd import diffusers_backend

    calls: list[str] = []

    def counting(info, *_args, **_kwargs):
        calls.append(info.name)
        raise LoaderCalledError(info.name)

    monkeypatch.setattr(diffusers_backend, "load_diffusers_backend", counting)
    return calls


def _settings(models: Path) -> EngineSettings:
    return EngineSettings(
        model_paths=(str(models),),
        device="cpu",
        scan_hf_cache=False,
        builtin_models_dir=str(models.parent / "no-builtins"),
    )


def _run(models: Path, request: GenerationRequest, service: EngineService | None = None) -> None:
    service = service or EngineService(_settings(models))
    request = replace(request, model=str(models / "fake-sd1.safetensors"))
    list(service.run(request, lambda _update: None, threading.Event()))


def _request(**options) -> GenerationRequest:
    values = {"prompt": "a fox", "width": 64, "height": 64, "steps": 2, "seed": 1}
    return GenerationRequest(**{**values, **options})


def _control(model: str) -> GenerationRequest:
    return _request(controls=(ControlSpec("canny", PICTURE, model=model),))


def _reference(model: str = "") -> GenerationRequest:
    return _request(references=(ReferenceImage(PICTURE, model=model),))


def _native() -> GenerationRequest:
    return _request(transparent="native", transparent_background=True)


def test_the_good_files_pass_and_the_model_load_is_reached(models: Path, loads: list[str]):
    folder = files.controlnet_folder(models.parent / "canny-diffusers")
    request = _request(
        prompt="a fox <lora:pixel-style:0.8>",
        controls=(
            ControlSpec("canny", PICTURE),
            ControlSpec("canny", PICTURE, model="control_sd15_canny"),
            ControlSpec("canny", PICTURE, model=str(folder)),
        ),
        references=(ReferenceImage(PICTURE),),
        transparent="native",
        transparent_background=True,
    )
    with pytest.raises(LoaderCalledError):
        _run(models, request)
    assert loads == ["fake-sd1"]


def _plant(models: Path, case: str, service: EngineService) -> GenerationRequest:
    """Make the bad file of ``case`` in ``models`` and the request that names it."""
    elsewhere = models.parent / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    match case:
        case "control name":
            return _control("control_sd15_depth")
        case "control fifo":
            return _control(str(files.fifo(elsewhere / "canny.safetensors")))
        case "control truncated":
            return _control(str(files.truncated(elsewhere / "canny.safetensors")))
        case "control text":
            (elsewhere / "canny.safetensors").write_text("not a model, a note\n" * 10)
            return _control(str(elsewhere / "canny.safetensors"))
        case "control folder":
            (elsewhere / "canny-diffusers").mkdir()
            return _control(str(elsewhere / "canny-diffusers"))
        case "control folder of a unet":
            return _control(
                str(files.controlnet_folder(elsewhere / "unet", "UNet2DConditionModel"))
            )
        case "control other kind":
            return _control(str(models / "ipadapter" / "ip-adapter_sd15.safetensors"))
        case "control other family":
            path = files.controlnet(elsewhere / "canny_xl.safetensors", context=2048)
            return _control(str(path))
        case "reference name":
            return _reference("ip-adapter_sdxl")
        case "reference none":
            for path in (models / "ipadapter").glob("*.safetensors"):
                path.unlink()
            return _reference()
        case "reference other kind":
            return _reference(str(models / "loras" / "pixel-style.safetensors"))
        case "reference truncated":
            return _reference(str(files.truncated(elsewhere / "ip-adapter.safetensors")))
        case "reference encoder":
            return _reference(str(files.ip_adapter(elsewhere / "ip-adapter_alone.safetensors")))
        case "lora name":
            return _request(prompt="a fox <lora:pixel-styel:1>")
        case "lora fifo":
            return _request(prompt=f"a fox <lora:{files.fifo(elsewhere / 'x.safetensors')}:1>")
        case "layerdiffuse missing":
            for path in (models / "layerdiffuse").iterdir():
                path.unlink()
            return _native()
        case "layerdiffuse truncated":
            service.list_models()  # scanned whole, damaged after
            files.truncated(
                models / "layerdiffuse" / "layer_sd15_vae_transparent_decoder.safetensors"
            )
            return _native()
        case "hires upscaler":
            return _request(hires_scale=2.0, hires_upscaler="4x-Nowhere")
    raise AssertionError(case)


REFUSALS = {
    "control name": "No ControlNet named 'control_sd15_depth' in the model folders. Found: "
    "control_sd15_canny.",
    "control fifo": "canny.safetensors is a named pipe (FIFO), not a file",
    "control truncated": "canny.safetensors is damaged or incomplete (the header runs past",
    "control text": "canny.safetensors is damaged or incomplete (header length",
    "control folder": "canny-diffusers holds no config.json: give a diffusers ControlNet folder",
    "control folder of a unet": "unet holds a UNet2DConditionModel, not a ControlNet: give a "
    "diffusers ControlNet folder",
    "control other kind": "ip-adapter_sd15.safetensors is an IP-Adapter, not a ControlNet: give a "
    "ControlNet file.",
    "control other family": "canny_xl.safetensors is a ControlNet for SDXL, and the model is "
    "SD 1.x: use a ControlNet made for the model's family.",
    "reference name": "No IP-Adapter named 'ip-adapter_sdxl' in the model folders.",
    "reference none": "No IP-Adapter for sd1 among your models: add one (File > Add Model "
    "Folder, or studio models --add DIR), or name one with --reference-model NAME.",
    "reference other kind": "pixel-style.safetensors is a LoRA add-on, not an IP-Adapter",
    "reference truncated": "ip-adapter.safetensors is damaged or incomplete",
    "reference encoder": "No CLIP image encoder of projection width 1024 for "
    "ip-adapter_alone.safetensors",
    "lora name": "No LoRA add-on named 'pixel-styel' in the model folders. Found: pixel-style.",
    "lora fifo": "x.safetensors is a named pipe (FIFO), not a file",
    "layerdiffuse missing": "Transparent background: native needs LayerDiffuse's",
    "layerdiffuse truncated": "layer_sd15_vae_transparent_decoder.safetensors is damaged or "
    "incomplete",
    "hires upscaler": "No upscaler named '4x-Nowhere'",
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_bad_addon_is_one_line_before_the_model_loads(models, loads, case):
    service = EngineService(_settings(models))
    request = _plant(models, case, service)
    with pytest.raises(StudioError) as refused:
        _run(models, request, service)
    message = str(refused.value)
    assert loads == []  # refused before the load, not by it
    assert REFUSALS[case] in message
    assert "\n" not in message


def test_an_unknown_family_leaves_the_choice_by_family_to_the_loaded_model(models: Path):
    registry = ModelRegistry(_settings(models))
    for path in (models / "controlnet").iterdir():
        path.unlink()  # no canny ControlNet: only the loaded model knows which family to ask
    check_addons(_control(""), ModelFamily.UNKNOWN, registry)
    with pytest.raises(ModelLoadError, match="is a LoRA add-on, not a ControlNet"):
        check_addons(
            _control(str(models / "loras" / "pixel-style.safetensors")),
            ModelFamily.UNKNOWN,
            registry,
        )
