"""Reference images (IP-Adapter) on a warm tiny SD 1.x model, from the published file layouts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.domain.errors import ImageReadError, ModelLoadError, ModelNotFoundError
from studio.domain.reference import ReferenceImage
from tests.engine.helpers import run_all, tiny_request
from tests.engine.reference_files import (
    ip_adapter_tensors,
    save_encoder_file,
    save_encoder_folder,
    save_ip_adapter,
    tiny_encoder,
)
from tests.sd_fixtures import load_tiny_backend, reference_image


@pytest.fixture(scope="module")
def roots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {
        "comfy": tmp_path_factory.mktemp("ComfyUI"),
        "hub": tmp_path_factory.mktemp("IP-Adapter"),
        "alone": tmp_path_factory.mktemp("alone"),
    }


@pytest.fixture(scope="module")
def backend(tiny_sd1_dir: Path, roots: dict[str, Path]):
    """A warm tiny SD 1.x model of its own; one IP-Adapter in ComfyUI's layout (the encoder a
    ``clip_vision`` file), the same one in h94's (an ``image_encoder/`` folder beside it)."""
    loaded = load_tiny_backend(tiny_sd1_dir, roots["comfy"])
    encoder = tiny_encoder()
    tensors = ip_adapter_tensors(loaded.pipeline.unet, encoder)
    comfy = roots["comfy"] / "models"
    save_ip_adapter(tensors, comfy / "ipadapter" / "ip-adapter_sd15.safetensors")
    save_encoder_file(encoder, comfy / "clip_vision" / "CLIP-ViT-tiny.safetensors")
    save_ip_adapter(tensors, roots["hub"] / "models" / "ip-adapter_sd15.safetensors")
    save_encoder_folder(encoder, roots["hub"] / "models" / "image_encoder")
    save_ip_adapter(tensors, roots["alone"] / "ip-adapter_sd15.safetensors")
    yield loaded
    loaded.unload()


def _pixels(backend, *references: ReferenceImage) -> np.ndarray:
    return run_all(backend, tiny_request(references=references))[0].pixels


def _diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a.astype(int) - b.astype(int))


def test_a_reference_changes_the_result_and_weight_zero_does_not(backend):
    plain = _pixels(backend)
    zero = _pixels(backend, reference_image(weight=0.0))
    one = _pixels(backend, reference_image(weight=1.0))
    assert _diff(zero, plain).max() <= 1
    assert _diff(one, plain).mean() > 1.0
    # Taken off the UNet again: the next plain request is the plain image.
    assert _diff(_pixels(backend), plain).max() <= 1


def test_comfyui_single_file_and_h94_folder_encoders_give_the_same_image(backend, roots):
    comfy = _pixels(backend, reference_image(model="ip-adapter_sd15"))
    hub = roots["hub"] / "models" / "ip-adapter_sd15.safetensors"
    # Same weights; transformers' attention kernels may differ in the last float bits.
    assert _diff(comfy, _pixels(backend, reference_image(model=str(hub)))).max() <= 1


def test_two_references_each_with_its_weight(backend):
    one = _pixels(backend, reference_image(weight=1.0))
    two = _pixels(backend, reference_image(weight=1.0), reference_image(weight=0.0))
    assert _diff(one, two).max() <= 1
    assert len(backend.references._adapters) == 1  # one file, read once


def test_the_recipe_names_the_adapter_and_the_image_hash(backend):
    reference = reference_image(weight=0.5, source="canvas")
    image = run_all(backend, tiny_request(references=(reference,)))[0]
    entry = image.extra["IP-Adapter 0"]
    assert entry.startswith("Model: ip-adapter_sd15 [")
    assert f"Weight: 0.5, Image hash: {reference.image_sha256[:12]}, Source: canvas" in entry
    stored = image.request.to_dict()["references"][0]
    assert stored["image_sha256"] == reference.image_sha256


def test_an_adapter_without_an_encoder_is_one_line(backend, roots):
    alone = roots["alone"] / "ip-adapter_sd15.safetensors"
    with pytest.raises(ModelNotFoundError, match="No CLIP image encoder of projection width 24"):
        _pixels(backend, reference_image(model=str(alone)))


def test_bad_files_are_one_line_and_the_model_stays_usable(backend, roots, tmp_path):
    with pytest.raises(ImageReadError):
        _pixels(backend, ReferenceImage(b"not an image"))
    broken = tmp_path / "ip-adapter_broken.safetensors"
    save_ip_adapter({"something.else": ip_adapter_tensors_stub()}, broken)
    with pytest.raises(ModelLoadError) as caught:
        _pixels(backend, reference_image(model=str(broken)))
    assert "ip-adapter_broken" in str(caught.value) and "\n" not in str(caught.value)
    assert _pixels(backend).shape[:2] == (64, 64)


def ip_adapter_tensors_stub():
    import torch

    return torch.zeros(2, 2)
