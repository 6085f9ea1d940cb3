"""LoRAs in the prompt on a warm tiny SD 1.x model: applied, weighed, removed exactly."""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path

import numpy as np
import pytest

from studio.domain.errors import ModelLoadError, ModelNotFoundError
from studio.domain.models import ModelFamily
from studio.domain.settings import EngineSettings
from studio.engine.sd.lora import LoraChoice, LoraTarget, a1111_lora_hash, lora_family_problem
from tests.engine.addon_files import kohya_lora, loha_lora, peft_lora, save_safetensors
from tests.engine.helpers import run_all, tiny_request


@pytest.fixture(scope="module")
def lora_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("webui")


@pytest.fixture(scope="module")
def backend(tiny_sd1_dir: Path, lora_root: Path):
    """A warm tiny SD 1.x model of its own, with a folder of LoRAs built from its layers."""
    import torch

    from studio.engine.registry import ModelRegistry
    from studio.engine.sd.diffusers_backend import load_diffusers_backend

    info = ModelRegistry(EngineSettings(scan_hf_cache=False)).inspect_path(tiny_sd1_dir)
    loaded = load_diffusers_backend(
        info, torch.device("cpu"), torch.float32, addon_index=_registry_of(lora_root)
    )
    pipe = loaded.pipeline
    folder = lora_root / "models" / "Lora"
    both = {"lora_unet_": pipe.unet, "lora_te_": pipe.text_encoder}
    save_safetensors(kohya_lora(both), folder / "kohya-style.safetensors")
    save_safetensors(kohya_lora(both, seed=9), folder / "sub" / "second.safetensors")
    torch.save(kohya_lora({"lora_unet_": pipe.unet}, seed=5), folder / "pickled.pt")
    save_safetensors(
        peft_lora({"unet": pipe.unet, "text_encoder": pipe.text_encoder}),
        folder / "peft-style.safetensors",
    )
    save_safetensors(loha_lora(pipe.unet), folder / "loha.safetensors")
    save_safetensors(_sdxl_lora(), folder / "xl-style.safetensors")
    yield loaded
    loaded.unload()


def _sdxl_lora() -> dict:
    """An SDXL LoRA as kohya writes one: second text encoder keys, 2048-wide cross-attention."""
    import torch

    unet = "lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k"
    te2 = "lora_te2_text_model_encoder_layers_0_self_attn_q_proj"
    return {
        f"{unet}.lora_down.weight": torch.zeros(2, 2048),
        f"{unet}.lora_up.weight": torch.zeros(640, 2),
        f"{te2}.lora_down.weight": torch.zeros(2, 1280),
        f"{te2}.lora_up.weight": torch.zeros(1280, 2),
    }


def _pixels(backend, prompt: str) -> np.ndarray:
    (image,) = run_all(backend, tiny_request(prompt=prompt, steps=2))
    return image.pixels


def _weights(pipe) -> dict:
    return {
        **{f"unet.{k}": v.clone() for k, v in pipe.unet.state_dict().items()},
        **{f"te.{k}": v.clone() for k, v in pipe.text_encoder.state_dict().items()},
    }


def test_weight_zero_gives_the_plain_pixels(backend) -> None:
    plain = _pixels(backend, "a fox")

    assert np.array_equal(_pixels(backend, "a fox <lora:kohya-style:0>"), plain)
    assert backend.addons.loras.weights  # it really was applied, at weight 0


def test_plain_lora_plain_on_one_warm_model(backend, lora_root: Path) -> None:
    first = _pixels(backend, "a fox")
    (styled,) = run_all(backend, tiny_request(prompt="a fox <lora:kohya-style:0.8>", steps=2))
    second = _pixels(backend, "a fox")

    assert np.array_equal(first, second)
    assert not np.array_equal(styled.pixels, first)
    assert styled.request.prompt == "a fox <lora:kohya-style:0.8>"  # the recipe keeps the tag
    expected = a1111_lora_hash(lora_root / "models" / "Lora" / "kohya-style.safetensors")
    assert styled.extra["Lora hashes"] == f"kohya-style: {expected}"


def test_removing_every_lora_restores_every_tensor(backend) -> None:
    pipe = backend.pipeline
    _pixels(backend, "a fox")
    original = _weights(pipe)

    _pixels(backend, "a fox <lora:kohya-style:1> <lora:peft-style:0.5> <lora:pickled:0.7>")
    _pixels(backend, "a fox")

    restored = _weights(pipe)
    assert restored.keys() == original.keys()
    assert all(np.array_equal(restored[k].numpy(), original[k].numpy()) for k in original)


def test_the_model_changes_only_when_the_set_or_a_weight_changes(backend, lora_root) -> None:
    pipe, loras = backend.pipeline, backend.addons.loras
    folder = lora_root / "models" / "Lora"
    choices = [
        LoraChoice("kohya-style", folder / "kohya-style.safetensors", 0.5),
        LoraChoice("second", folder / "sub" / "second.safetensors", 0.5),
    ]
    assert loras.apply(pipe, choices, "tiny", ModelFamily.SD1)

    assert not loras.apply(pipe, choices, "tiny", ModelFamily.SD1)
    assert not loras.apply(pipe, choices[::-1], "tiny", ModelFamily.SD1)  # order is no change
    before = loras.weights
    _pixels(backend, "<lora:second:0.5> <lora:kohya-style:0.5>")
    assert loras.weights == before
    _pixels(backend, "<lora:kohya-style:0.25> <lora:second:0.5>")
    assert list(loras.weights.values()) == [0.25, 0.5]
    _pixels(backend, "plain")
    assert loras.weights == {}


def test_two_loras_differ_from_each_alone(backend) -> None:
    alone = _pixels(backend, "x <lora:kohya-style:0.6>")
    both = _pixels(backend, "x <lora:kohya-style:0.6> <lora:second:0.6>")

    assert not np.array_equal(alone, both)


@pytest.mark.parametrize(
    ("prompt", "error", "fragment"),
    [
        ("<lora:xl-style:1>", ModelLoadError, "is an SDXL LoRA and tiny-sd1 is SD 1.x"),
        ("<lora:loha:1>", ModelLoadError, "is a LyCORIS LoHa"),
        ("<lora:nowhere:1>", ModelNotFoundError, "No LoRA add-on named 'nowhere'"),
    ],
)
def test_a_lora_that_cannot_apply_is_one_line_and_changes_nothing(
    backend, prompt: str, error: type, fragment: str
) -> None:
    plain = _pixels(backend, "a fox")
    original = _weights(backend.pipeline)

    with pytest.raises(error) as caught:
        _pixels(backend, f"a fox {prompt}")

    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)
    assert backend.addons.loras.weights == {}
    assert _weights(backend.pipeline).keys() == original.keys()
    assert np.array_equal(_pixels(backend, "a fox"), plain)


def test_family_is_told_by_cross_attention_width() -> None:
    shapes = {
        "lora_unet_mid_block_attentions_0_transformer_blocks_0_attn2_to_k.lora_down.weight": (
            4,
            1024,
        )
    }

    message = lora_family_problem(
        "v2-style", shapes, LoraTarget("dreamshaper", ModelFamily.SD1, 768)
    )

    assert message is not None and "is an SD 2.x LoRA and dreamshaper is SD 1.x" in message
    assert lora_family_problem("ok", shapes, LoraTarget("sd21", ModelFamily.SD2, 1024)) is None


def test_a1111_lora_hash_is_the_sha256_of_the_tensor_data(tmp_path: Path) -> None:
    header = json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
    data = struct.pack("<2f", 1.0, 2.0)
    path = tmp_path / "known.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + data)

    assert a1111_lora_hash(path) == hashlib.sha256(data).hexdigest()[:12]
    assert a1111_lora_hash(path) == "b9c80b5adeca"  # fixed bytes, fixed hash


def test_a1111_lora_hash_prefers_kohya_metadata_and_hashes_pickles_whole(tmp_path: Path) -> None:
    import torch

    stored = "0123456789abcdef" * 4
    tagged = save_safetensors(
        {"w": torch.zeros(1)}, tmp_path / "t.safetensors", {"sshs_model_hash": stored}
    )
    pickled = tmp_path / "p.pt"
    torch.save({"w": torch.zeros(1)}, pickled)

    assert a1111_lora_hash(tagged) == stored[:12]
    assert a1111_lora_hash(pickled) == hashlib.sha256(pickled.read_bytes()).hexdigest()[:12]


def _registry_of(folder: Path):
    """The registry of a session that added ``folder`` (read lazily: files made later count)."""
    from studio.engine.registry import ModelRegistry

    return ModelRegistry(EngineSettings(model_paths=(str(folder),), scan_hf_cache=False))
