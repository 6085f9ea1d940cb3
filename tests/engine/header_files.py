"""Model files of the published key layouts with zero-filled tensors, made in a moment.

Only the names and shapes matter to what reads them here (the model folders' scan and the
add-on check before a load): an SD 1.x checkpoint, an A1111 ControlNet, an IP-Adapter with its
CLIP image encoder's config, a kohya LoRA and LayerDiffuse's SD 1.5 patch and decoder. The
checkpoint has no real weights, so loading it fails: a test that never sees that failure
proves nothing touched it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

PNG_SIDE = 64


def save(tensors: dict[str, tuple[int, ...]], path: Path) -> Path:
    """Write ``name -> shape`` as a ``.safetensors`` file of zeros."""
    from safetensors.numpy import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({name: np.zeros(shape, dtype=np.float16) for name, shape in tensors.items()}, path)
    return path


def checkpoint_sd1(path: Path) -> Path:
    return save(
        {
            "model.diffusion_model.input_blocks.0.0.weight": (4, 4),
            "cond_stage_model.transformer.text_model.embeddings.token_embedding.weight": (4, 768),
        },
        path,
    )


def controlnet(path: Path, context: int = 768) -> Path:
    """An A1111 (LDM-named) ControlNet; ``context`` 768 is SD 1.x, 2048 SDXL."""
    block = "control_model.input_blocks.1.1.transformer_blocks.0"
    return save(
        {
            "control_model.input_hint_block.0.weight": (16, 3, 3, 3),
            "control_model.zero_convs.0.0.weight": (320, 320, 1, 1),
            f"{block}.attn2.to_k.weight": (320, context),
            f"{block}.attn2.to_v.weight": (320, context),
        },
        path,
    )


def controlnet_folder(folder: Path, class_name: str = "ControlNetModel") -> Path:
    """A diffusers ControlNet folder: its config and diffusers-named weights."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps({"_class_name": class_name}))
    block = "down_blocks.1.attentions.0.transformer_blocks.0.attn2"
    save(
        {
            "controlnet_cond_embedding.conv_in.weight": (16, 3, 3, 3),
            "controlnet_down_blocks.0.weight": (320, 320, 1, 1),
            f"{block}.to_k.weight": (320, 768),
        },
        folder / "diffusion_pytorch_model.safetensors",
    )
    return folder


def ip_adapter(path: Path, projection: int = 1024) -> Path:
    """A base SD 1.x IP-Adapter reading an encoder of ``projection`` width."""
    return save(
        {
            "image_proj.proj.weight": (3072, projection),
            "image_proj.norm.weight": (768,),
            "ip_adapter.1.to_k_ip.weight": (320, 768),
            "ip_adapter.1.to_v_ip.weight": (320, 768),
        },
        path,
    )


def image_encoder(folder: Path, projection: int = 1024) -> Path:
    """A transformers CLIP vision folder's config (the width is all the check reads)."""
    folder.mkdir(parents=True, exist_ok=True)
    config = {"projection_dim": projection, "hidden_size": 1280, "image_size": 224}
    (folder / "config.json").write_text(json.dumps(config))
    return folder


def lora(path: Path) -> Path:
    name = "lora_unet_down_blocks_0_attentions_0_proj_in"
    return save({f"{name}.lora_down.weight": (2, 320), f"{name}.lora_up.weight": (320, 2)}, path)


def layerdiffuse_sd15(folder: Path) -> tuple[Path, Path]:
    """The SD 1.5 attention patch and the transparent decoder, by their published names."""
    block = "diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_q"
    patch = save(
        {f"{block}::lora::0": (4, 320), f"{block}::lora::1": (320, 4)},
        folder / "layer_sd15_transparent_attn.safetensors",
    )
    decoder = save(
        {
            "latent_conv_in.weight": (64, 4, 1, 1),
            "conv_in.weight": (32, 3, 3, 3),
            "conv_out.weight": (4, 32, 3, 3),
        },
        folder / "layer_sd15_vae_transparent_decoder.safetensors",
    )
    return patch, decoder


def truncated(path: Path) -> Path:
    """A header length that runs past the end of the file (an interrupted download)."""
    path.write_bytes((64).to_bytes(8, "little") + b'{"a":')
    return path


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path
