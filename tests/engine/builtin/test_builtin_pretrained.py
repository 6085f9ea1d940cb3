"""save_pretrained / from_pretrained: identical samples after a round trip, clear errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from studio.domain.errors import DamagedModelError, ModelLoadError
from studio.engine.builtin.families import model_class
from studio.engine.builtin.generation import SampleSettings
from studio.engine.builtin.pretrained import config_from_dict
from studio.engine.builtin.text_encoder import TextEmbedding
from tests.engine.builtin.conftest import FAMILIES, builtin_tiny_model

SETTINGS = SampleSettings(steps=3, cfg_scale=2.0, sampler="DDIM")


def _text() -> TextEmbedding:
    generator = torch.Generator().manual_seed(7)
    tokens = torch.randn(2, 5, 384, generator=generator)
    return TextEmbedding(
        torch.randn(2, 384, generator=generator), tokens, torch.ones(2, 5, dtype=torch.bool)
    )


def _sample(model, seed: int) -> torch.Tensor:
    cond = model.text(_text(), drop=torch.tensor([False, True]))
    with torch.no_grad():
        return model.generate(cond, torch.Generator().manual_seed(seed), SETTINGS).image


@pytest.mark.parametrize("family", FAMILIES)
def test_round_trip_gives_identical_samples(family: str, tmp_path: Path) -> None:
    model = builtin_tiny_model(family).eval()
    model.save_pretrained(tmp_path / family, dtype=torch.float32)
    loaded = model_class(family).from_pretrained(tmp_path / family)
    assert torch.equal(_sample(model, 3), _sample(loaded, 3))
    assert not torch.equal(_sample(loaded, 3), _sample(loaded, 4))


@pytest.mark.parametrize("family", FAMILIES)
def test_manifest_describes_the_model(family: str, builtin_model_dirs) -> None:
    manifest = json.loads((builtin_model_dirs[family] / "studio_model.json").read_text())
    assert manifest["format"] == "studio-builtin" and manifest["format_version"] == 1
    assert manifest["family"] == family
    assert manifest["text_encoder"] == "all-MiniLM-L6-v2"
    assert isinstance(manifest["config"], dict)


def test_float16_storage_halves_the_file(tmp_path: Path) -> None:
    model = builtin_tiny_model("gan")
    full = model.save_pretrained(tmp_path / "full", dtype=torch.float32) / "model.safetensors"
    half = model.save_pretrained(tmp_path / "half") / "model.safetensors"
    assert half.stat().st_size < 0.6 * full.stat().st_size
    loaded = model_class("gan").from_pretrained(tmp_path / "half")
    assert next(loaded.parameters()).dtype == torch.float32


def test_truncated_weights_are_reported_as_damaged(builtin_model_dirs, tmp_path: Path) -> None:
    folder = shutil.copytree(builtin_model_dirs["vae"], tmp_path / "vae")
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:200])
    with pytest.raises(DamagedModelError, match="damaged"):
        model_class("vae").from_pretrained(folder)


def test_weights_that_do_not_fit_the_config_are_damaged(builtin_model_dirs, tmp_path) -> None:
    folder = shutil.copytree(builtin_model_dirs["vae"], tmp_path / "vae")
    manifest = json.loads((folder / "studio_model.json").read_text())
    manifest["config"]["latent_dim"] = 32
    (folder / "studio_model.json").write_text(json.dumps(manifest))
    with pytest.raises(DamagedModelError, match="do not fit"):
        model_class("vae").from_pretrained(folder)


def test_wrong_family_and_newer_format_are_refused(builtin_model_dirs, tmp_path) -> None:
    with pytest.raises(ModelLoadError, match="not a 'gan'"):
        model_class("gan").from_pretrained(builtin_model_dirs["vae"])
    folder = shutil.copytree(builtin_model_dirs["gan"], tmp_path / "gan")
    manifest = json.loads((folder / "studio_model.json").read_text())
    manifest["format_version"] = 99
    (folder / "studio_model.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelLoadError, match="newer Studio"):
        model_class("gan").from_pretrained(folder)


def test_unknown_family_is_a_clear_error() -> None:
    with pytest.raises(ModelLoadError, match="Unknown built-in model family"):
        model_class("flow")


def test_config_ignores_unknown_keys_and_nests_sub_configs() -> None:
    from studio.engine.builtin.ar import ARConfig

    config = config_from_dict(
        ARConfig, {"d_model": 8, "future_knob": 1, "vq": {"codebook_size": 7, "channels": [4, 8]}}
    )
    assert config.d_model == 8
    assert config.vq.codebook_size == 7 and config.vq.channels == (4, 8)
