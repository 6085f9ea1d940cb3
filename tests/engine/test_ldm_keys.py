"""The diffusers -> original (LDM) key mapping, checked against diffusers' own reverse mapping."""

from __future__ import annotations

from pathlib import Path

import pytest
from safetensors import safe_open

from studio.engine.resources import sd_config_dir
from studio.engine.sd import ldm_keys


def _meta_state(model_class, folder: Path) -> dict:
    from accelerate import init_empty_weights

    with init_empty_weights():
        model = model_class.from_config(model_class.load_config(folder))
    return model.state_dict()


@pytest.mark.parametrize("family", ["sd1", "sdxl"])
def test_full_size_unet_names_round_trip_through_diffusers(family: str) -> None:
    from diffusers import UNet2DConditionModel
    from diffusers.loaders.single_file_utils import convert_ldm_unet_checkpoint

    folder = sd_config_dir(family) / "unet"
    config = UNet2DConditionModel.load_config(folder)
    state = _meta_state(UNet2DConditionModel, folder)
    ldm = ldm_keys.unet_to_ldm(state, len(config["block_out_channels"]), config["layers_per_block"])
    back = convert_ldm_unet_checkpoint(ldm, config)
    assert set(back) == set(state)
    if family == "sd1":  # the names diffusers itself uses to recognise an SD 1.x checkpoint
        assert "model.diffusion_model.output_blocks.11.0.skip_connection.weight" in ldm
        assert "model.diffusion_model.input_blocks.3.0.op.weight" in ldm


def test_full_size_vae_names_round_trip_through_diffusers() -> None:
    from diffusers import AutoencoderKL
    from diffusers.loaders.single_file_utils import convert_ldm_vae_checkpoint

    folder = sd_config_dir("sd1") / "vae"
    config = AutoencoderKL.load_config(folder)
    state = _meta_state(AutoencoderKL, folder)
    ldm = ldm_keys.vae_to_ldm(state, len(config["block_out_channels"]))
    assert "first_stage_model.decoder.up.3.upsample.conv.weight" in ldm
    assert ldm["first_stage_model.encoder.mid.attn_1.q.weight"].ndim == 4
    back = convert_ldm_vae_checkpoint(ldm, config)
    assert set(back) == set(state)
    assert all(back[k].shape == state[k].shape for k in state)


def test_exported_tiny_files_use_original_names(tiny_sd1_file: Path, tiny_sdxl_file: Path) -> None:
    with safe_open(tiny_sd1_file, "pt") as handle:
        sd1 = set(handle.keys())
    with safe_open(tiny_sdxl_file, "pt") as handle:
        sdxl = set(handle.keys())
    prefixes = ("model.diffusion_model.", "first_stage_model.")
    assert all(k.startswith((*prefixes, "cond_stage_model.transformer.text_model.")) for k in sd1)
    assert "model.diffusion_model.label_emb.0.0.weight" in sdxl
    assert "conditioner.embedders.1.model.transformer.resblocks.0.attn.in_proj_weight" in sdxl
    assert "conditioner.embedders.1.model.text_projection" in sdxl
    assert any(k.startswith("conditioner.embedders.0.transformer.text_model.") for k in sdxl)


@pytest.mark.parametrize(
    ("family", "encoder"), [("sdxl", "text_encoder_2"), ("sd2", "text_encoder")]
)
def test_full_size_open_clip_names_round_trip_through_diffusers(family: str, encoder: str) -> None:
    from accelerate import init_empty_weights
    from diffusers.loaders.single_file_utils import convert_open_clip_checkpoint
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    config = CLIPTextConfig.from_pretrained(sd_config_dir(family) / encoder)
    model_class = CLIPTextModelWithProjection if family == "sdxl" else CLIPTextModel
    with init_empty_weights():
        model = model_class(config)
    state = model.state_dict()
    prefix = "conditioner.embedders.1.model." if family == "sdxl" else "cond_stage_model.model."
    ldm = ldm_keys.open_clip_to_ldm(state, prefix)
    back = convert_open_clip_checkpoint(model, ldm, prefix=prefix)
    nested = {
        k if k.startswith(("text_model.", "text_projection")) else f"text_model.{k}" for k in state
    }
    assert set(back) == nested
