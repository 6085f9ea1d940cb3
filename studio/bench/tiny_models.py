"""Tiny random Stable Diffusion pipelines for tests and benchmarks.

They have the real architecture (UNet with cross-attention, 8x VAE, CLIP text encoders, the
shipped CLIP tokenizer) at toy width, so a 64x64 image takes milliseconds on a CPU while every
code path (schedulers, long prompts, decoding, single-file loading) runs for real. Weights are
random, seeded: the same seed builds the same model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from studio.engine.resources import sd_config_dir

TINY_FAMILIES = ("sd1", "sdxl")
TEXT_HIDDEN = 32
SDXL_TEXT2_HIDDEN = (
    64  # must differ from the first encoder: the single-file loader tells them apart by width
)
TIME_EMBED_DIM = 8


def _text_config(hidden: int, with_projection: bool) -> Any:
    from transformers import CLIPTextConfig

    return CLIPTextConfig(
        vocab_size=49408,  # the real CLIP vocabulary: prompts tokenize exactly as for SD
        hidden_size=hidden,
        intermediate_size=hidden * 2,
        num_hidden_layers=3,
        num_attention_heads=4,
        max_position_embeddings=77,
        hidden_act="gelu" if with_projection else "quick_gelu",
        projection_dim=hidden,
        bos_token_id=0,
        eos_token_id=2,  # as in the published SD configs: pooled output at the highest id (EOS)
        pad_token_id=1,
        architectures=["CLIPTextModelWithProjection" if with_projection else "CLIPTextModel"],
    )


INPAINT_IN_CHANNELS = 9  # noisy latent + mask + masked-image latent


def _unet_config(family: str, inpainting: bool = False) -> dict[str, Any]:
    common = {
        "block_out_channels": (32, 64),
        "layers_per_block": 2,
        "sample_size": 8,
        "in_channels": INPAINT_IN_CHANNELS if inpainting else 4,
        "out_channels": 4,
        "norm_num_groups": 32,
        "attention_head_dim": (2, 4),
    }
    if family == "sd1":
        return {
            **common,
            "down_block_types": ("CrossAttnDownBlock2D", "DownBlock2D"),
            "up_block_types": ("UpBlock2D", "CrossAttnUpBlock2D"),
            "cross_attention_dim": TEXT_HIDDEN,
        }
    return {
        **common,
        "down_block_types": ("DownBlock2D", "CrossAttnDownBlock2D"),
        "up_block_types": ("CrossAttnUpBlock2D", "UpBlock2D"),
        "cross_attention_dim": TEXT_HIDDEN + SDXL_TEXT2_HIDDEN,
        "transformer_layers_per_block": (1, 2),
        "use_linear_projection": True,
        "addition_embed_type": "text_time",
        "addition_time_embed_dim": TIME_EMBED_DIM,
        "projection_class_embeddings_input_dim": 6 * TIME_EMBED_DIM + SDXL_TEXT2_HIDDEN,
    }


def _vae_config() -> dict[str, Any]:
    # Four levels, like the real VAE, so latents are 1/8 of the image side.
    return {
        "block_out_channels": (8, 8, 16, 16),
        "down_block_types": ("DownEncoderBlock2D",) * 4,
        "up_block_types": ("UpDecoderBlock2D",) * 4,
        "latent_channels": 4,
        "layers_per_block": 1,
        "norm_num_groups": 4,
        "sample_size": 64,
    }


def tiny_components(family: str = "sd1", seed: int = 0, inpainting: bool = False) -> dict[str, Any]:
    """The components of a tiny pipeline of ``family`` (``"sd1"`` or ``"sdxl"``).

    ``inpainting`` gives the UNet the 9 input channels of SD inpainting checkpoints.
    """
    import torch
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    from studio.engine.sd.loading import scheduler_from_folder
    from studio.engine.sd.tokenizers import load_clip_tokenizer

    if family not in TINY_FAMILIES:
        raise ValueError(f"tiny pipelines exist for {TINY_FAMILIES}, not {family!r}")
    configs = sd_config_dir(family)
    torch.manual_seed(seed)
    components: dict[str, Any] = {
        "unet": UNet2DConditionModel(**_unet_config(family, inpainting)),
        "vae": AutoencoderKL(**_vae_config()),
        "text_encoder": CLIPTextModel(_text_config(TEXT_HIDDEN, with_projection=False)),
        "tokenizer": load_clip_tokenizer(configs / "tokenizer"),
        "scheduler": scheduler_from_folder(configs),
    }
    if family == "sdxl":
        components["text_encoder_2"] = CLIPTextModelWithProjection(
            _text_config(SDXL_TEXT2_HIDDEN, with_projection=True)
        )
        components["tokenizer_2"] = load_clip_tokenizer(configs / "tokenizer_2")
    for module in components.values():
        if isinstance(module, torch.nn.Module):
            module.eval().requires_grad_(False)
    return components


def build_tiny_pipeline(
    out_dir: Path | str, family: str = "sd1", seed: int = 0, inpainting: bool = False
) -> Path:
    """Save a tiny random diffusers pipeline folder and return its path.

    Parameters
    ----------
    out_dir
        Folder to create (or overwrite) with ``model_index.json`` and the component folders.
    family
        ``"sd1"`` (StableDiffusionPipeline) or ``"sdxl"`` (StableDiffusionXLPipeline).
    seed
        Seed of the random weights.
    inpainting
        Build the 9-input-channel UNet of an inpainting checkpoint.
    """
    from diffusers import StableDiffusionPipeline, StableDiffusionXLPipeline
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # "Writing model shards" would clutter bench output
    components = tiny_components(family, seed, inpainting)
    if family == "sdxl":
        pipe = StableDiffusionXLPipeline(**components, force_zeros_for_empty_prompt=True)
    else:
        pipe = StableDiffusionPipeline(
            **components, safety_checker=None, feature_extractor=None, requires_safety_checker=False
        )
    out = Path(out_dir)
    pipe.save_pretrained(out, safe_serialization=True)
    return out


def export_single_file(pipeline_dir: Path | str, out_file: Path | str) -> Path:
    """Write a diffusers SD/SDXL folder as one original-layout (LDM) ``.safetensors`` file.

    Parameters
    ----------
    pipeline_dir
        A folder from :func:`build_tiny_pipeline` (or any SD 1.x / SDXL diffusers folder).
    out_file
        The ``.safetensors`` file to write.
    """
    from safetensors.torch import load_file, save_file

    from studio.engine.sd import ldm_keys

    folder = Path(pipeline_dir)

    def weights(component: str) -> dict:
        return load_file(str(next((folder / component).glob("*.safetensors"))))

    unet_config = json.loads((folder / "unet" / "config.json").read_text(encoding="utf-8"))
    vae_config = json.loads((folder / "vae" / "config.json").read_text(encoding="utf-8"))
    state = ldm_keys.unet_to_ldm(
        weights("unet"), len(unet_config["block_out_channels"]), unet_config["layers_per_block"]
    )
    state.update(ldm_keys.vae_to_ldm(weights("vae"), len(vae_config["block_out_channels"])))
    if (folder / "text_encoder_2").is_dir():
        state.update(ldm_keys.clip_to_ldm(weights("text_encoder"), ldm_keys.SDXL_CLIP_L_PREFIX))
        state.update(
            ldm_keys.open_clip_to_ldm(weights("text_encoder_2"), ldm_keys.SDXL_CLIP_G_PREFIX)
        )
    else:
        state.update(ldm_keys.clip_to_ldm(weights("text_encoder"), ldm_keys.SD1_CLIP_PREFIX))
    out = Path(out_file)
    out.parent.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in state.items()}, str(out))
    return out
