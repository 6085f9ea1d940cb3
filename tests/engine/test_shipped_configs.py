"""The shipped SD configs and CLIP tokenizer: complete, parseable, consistent with detection."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from studio.engine.resources import SD_CONFIG_NAMES, clip_vocab_dir, resources_dir, sd_config_dir
from studio.engine.sd.detect import detect_checkpoint
from studio.engine.sd.loading import scheduler_from_folder
from studio.engine.sd.tokenizers import load_clip_tokenizer

EXPECTED = {
    # name: (cross-attention width, text encoder widths, prediction type, training size)
    "sd1": (768, (768,), "epsilon", 512),
    "sd2": (1024, (1024,), "v_prediction", 768),
    "sd2-base": (1024, (1024,), "epsilon", 512),
    "sdxl": (2048, (768, 1280), "epsilon", 1024),
}
DETECTION_SAMPLES = {
    "sd1": ({"cond_stage_model.transformer.text_model.x": (1,)}, "sd15.safetensors"),
    "sd2": ({"cond_stage_model.model.x": (1,)}, "v2-1_768.safetensors"),
    "sd2-base": ({"cond_stage_model.model.x": (1,)}, "v2-1_512.safetensors"),
    "sdxl": (
        {"conditioner.embedders.0.transformer.x": (1,), "conditioner.embedders.1.model.x": (1,)},
        "sdxl.safetensors",
    ),
}


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", SD_CONFIG_NAMES)
def test_config_folder_matches_its_family(name: str) -> None:
    folder = sd_config_dir(name)
    cross, text_widths, prediction, size = EXPECTED[name]
    unet = _json(folder / "unet" / "config.json")
    assert unet["cross_attention_dim"] == cross
    assert unet["sample_size"] * 8 == size
    assert _json(folder / "vae" / "config.json")["sample_size"] == size
    encoders = ["text_encoder", "text_encoder_2"][: len(text_widths)]
    assert [_json(folder / e / "config.json")["hidden_size"] for e in encoders] == list(text_widths)
    assert sum(text_widths) == cross or len(text_widths) == 1
    assert scheduler_from_folder(folder).config.prediction_type == prediction
    shapes, file_name = DETECTION_SAMPLES[name]
    shapes = {"model.diffusion_model.input_blocks.0.0.weight": (320, 4, 3, 3), **shapes}
    assert detect_checkpoint(shapes, file_name).config_name == name


@pytest.mark.parametrize("name", SD_CONFIG_NAMES)
def test_configs_build_full_size_models_of_the_published_size(name: str) -> None:
    """Parameter counts as published: SD1.5 UNet 859.5M, SD2 865.9M, SDXL 2567.5M, VAE 83.7M."""
    from accelerate import init_empty_weights
    from diffusers import AutoencoderKL, UNet2DConditionModel

    folder = sd_config_dir(name)
    with init_empty_weights():
        unet = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(folder / "unet"))
        vae = AutoencoderKL.from_config(AutoencoderKL.load_config(folder / "vae"))
    millions = {"sd1": 859.52, "sd2": 865.91, "sd2-base": 865.91, "sdxl": 2567.46}[name]
    assert round(sum(p.numel() for p in unet.parameters()) / 1e6, 2) == millions
    assert round(sum(p.numel() for p in vae.parameters()) / 1e6, 2) == 83.65


@pytest.mark.parametrize(
    ("name", "folder", "pad_id"),
    [
        ("sd1", "tokenizer", 49407),
        ("sd2", "tokenizer", 0),
        ("sd2-base", "tokenizer", 0),
        ("sdxl", "tokenizer", 49407),
        ("sdxl", "tokenizer_2", 0),  # OpenCLIP pads with "!" (id 0), not the end token
    ],
)
def test_tokenizers_load_offline_with_the_right_padding(
    name: str, folder: str, pad_id: int
) -> None:
    tokenizer = load_clip_tokenizer(sd_config_dir(name) / folder)
    assert len(tokenizer) == 49408
    assert tokenizer.pad_token_id == pad_id
    assert tokenizer("a photo of a cat").input_ids == [49406, 320, 1125, 539, 320, 2368, 49407]


def test_vocabulary_is_what_the_build_script_derives_from_the_merges() -> None:
    script = resources_dir() / "tokenizers" / "build_clip_tokenizer.py"
    spec = importlib.util.spec_from_file_location("build_clip_tokenizer", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    lines = (clip_vocab_dir() / "merges.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#version: 0.2"
    merges = [tuple(line.split()) for line in lines[1:]]
    assert len(merges) == module.MERGE_COUNT
    assert module.build_vocab(merges) == _json(clip_vocab_dir() / "vocab.json")
    assert len(module.byte_to_unicode()) == 256


def test_engine_resources_stay_small() -> None:
    folders = [resources_dir() / "sd_configs", resources_dir() / "tokenizers"]
    total = sum(p.stat().st_size for f in folders for p in f.rglob("*") if p.is_file())
    assert total < 5 * 1024 * 1024
