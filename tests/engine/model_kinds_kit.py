"""Tiny files in the real formats of each model kind, and the folder trees of other tools.

Key names are those the tools write (kohya/A1111, diffusers/PEFT, LyCORIS, A1111 embeddings,
ControlNet, IP-Adapter, spandrel's ESRGAN); shapes are cut down but keep the widths that tell
the base families apart (cross-attention 768 / 1024 / 2048).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

KOHYA_UNET = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k"
KOHYA_XL_UNET = "lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k"
KOHYA_TE = "lora_te_text_model_encoder_layers_0_self_attn_q_proj"
PEFT_UNET = "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k"

SHAPES: dict[str, dict[str, tuple[int, ...]]] = {
    "kohya_sd1": {
        f"{KOHYA_UNET}.lora_down.weight": (4, 768),
        f"{KOHYA_UNET}.lora_up.weight": (320, 4),
        f"{KOHYA_UNET}.alpha": (),
        f"{KOHYA_TE}.lora_down.weight": (4, 768),
        f"{KOHYA_TE}.lora_up.weight": (768, 4),
    },
    "kohya_sd2": {
        f"{KOHYA_UNET}.lora_down.weight": (4, 1024), f"{KOHYA_UNET}.lora_up.weight": (320, 4),
    },
    "kohya_sdxl": {
        f"{KOHYA_XL_UNET}.lora_down.weight": (4, 2048),
        f"{KOHYA_XL_UNET}.lora_up.weight": (640, 4),
        "lora_te1_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight": (4, 768),
        "lora_te2_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight": (4, 1280),
    },
    "peft_sd1": {f"{PEFT_UNET}.lora_A.weight": (4, 768), f"{PEFT_UNET}.lora_B.weight": (320, 4)},
    "diffusers_sdxl": {
        f"{PEFT_UNET}.lora.down.weight": (4, 2048), f"{PEFT_UNET}.lora.up.weight": (320, 4),
    },
    "loha_sd1": {
        f"{KOHYA_UNET}.hada_w1_a": (320, 4), f"{KOHYA_UNET}.hada_w1_b": (4, 768),
        f"{KOHYA_UNET}.hada_w2_a": (320, 4), f"{KOHYA_UNET}.hada_w2_b": (4, 768),
    },
    "lokr_sdxl": {
        "lora_te1_text_model_encoder_layers_0_mlp_fc1.lokr_w1": (8, 8),
        "lora_te1_text_model_encoder_layers_0_mlp_fc1.lokr_w2": (384, 96),
    },
    "embedding_sd1": {"emb_params": (2, 768)},
    "embedding_sdxl": {"clip_l": (2, 768), "clip_g": (2, 1280)},
    "controlnet_sd1": {
        "control_model.input_hint_block.0.weight": (16, 3, 3, 3),
        "control_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight": (320, 768),
    },
    "controlnet_diffusers_sdxl": {
        "controlnet_cond_embedding.conv_in.weight": (16, 3, 3, 3),
        "down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight": (640, 2048),
    },
    "ip_adapter_sd1": {
        "image_proj.proj.weight": (3072, 1024), "ip_adapter.1.to_k_ip.weight": (320, 768),
    },
    "vae": {
        "encoder.down.0.block.0.conv1.weight": (8, 8, 3, 3),
        "decoder.up.0.block.0.conv1.weight": (8, 8, 3, 3),
        "post_quant_conv.weight": (4, 4, 1, 1),
    },
    "checkpoint_sd1": {
        "model.diffusion_model.input_blocks.0.0.weight": (8, 4, 3, 3),
        "cond_stage_model.transformer.text_model.embeddings.token_embedding.weight": (4, 2),
    },
}  # fmt: skip


def write_weights(path: Path, shapes: dict[str, tuple[int, ...]]) -> Path:
    """A real ``.safetensors`` file with zeros of ``shapes``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({name: np.zeros(shape, np.float16) for name, shape in shapes.items()}, str(path))
    return path


def write_kind(path: Path, key: str) -> Path:
    return write_weights(path, SHAPES[key])


def write_pt_embedding(path: Path, width: int = 1024) -> Path:
    """An A1111 textual-inversion ``.pt``, as its trainer saves it."""
    import torch

    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "string_to_token": {"*": 265},
        "string_to_param": {"*": torch.nn.Parameter(torch.zeros(2, width))},
        "name": path.stem,
        "step": 100,
    }
    torch.save(data, path)
    return path


def write_esrgan_pth(path: Path) -> Path:
    """A Real-ESRGAN ``.pth`` (BasicSR's ``params_ema`` wrapper) of a tiny RRDB network."""
    import torch
    from spandrel.architectures.ESRGAN import ESRGAN

    path.parent.mkdir(parents=True, exist_ok=True)
    net = ESRGAN(in_nc=3, out_nc=3, num_filters=4, num_blocks=1, scale=4)
    torch.save({"params_ema": net.state_dict()}, path)
    return path


def a1111_tree(root: Path) -> Path:
    """An A1111/Forge install with one file of each kind it keeps, plus the usual clutter."""
    models = root / "models"
    write_kind(models / "Stable-diffusion" / "pixel-base.safetensors", "checkpoint_sd1")
    write_kind(models / "Lora" / "pixel-art.safetensors", "kohya_sd1")
    (models / "Lora" / "pixel-art.preview.png").write_bytes(b"\x89PNG not read")
    write_kind(models / "Lora" / "characters" / "knight-xl.safetensors", "kohya_sdxl")
    write_kind(models / "LyCORIS" / "dither.safetensors", "loha_sd1")
    write_pt_embedding(root / "embeddings" / "bad-hands.pt")
    write_esrgan_pth(models / "ESRGAN" / "4x-sprites.pth")
    write_kind(models / "ControlNet" / "canny.safetensors", "controlnet_sd1")
    (root / "webui.py").write_text("# never read, never run\n")
    return root


def comfy_tree(root: Path, elsewhere: Path) -> Path:
    """A ComfyUI install whose extra_model_paths.yaml points into another folder."""
    models = root / "models"
    write_kind(models / "checkpoints" / "base.safetensors", "checkpoint_sd1")
    write_kind(models / "loras" / "sprite.safetensors", "peft_sd1")
    write_kind(models / "embeddings" / "xl-style.safetensors", "embedding_sdxl")
    write_kind(models / "controlnet" / "depth-xl.safetensors", "controlnet_diffusers_sdxl")
    (models / "upscale_models").mkdir(parents=True)
    write_kind(elsewhere / "shared" / "loras-a" / "one.safetensors", "kohya_sd2")
    write_kind(elsewhere / "shared" / "loras-b" / "two.safetensors", "lokr_sdxl")
    write_esrgan_pth(elsewhere / "shared" / "upscalers" / "real.pth")
    relative = Path("..") / elsewhere.name / "shared"
    (root / "extra_model_paths.yaml").write_text(
        "other_ui:\n"
        f"    base_path: {relative}\n"
        "    loras: |\n        loras-a\n        loras-b\n"
        "    upscale_models: upscalers\n"
        "    configs: configs\n"
    )
    return root


def invoke_tree(root: Path) -> Path:
    """An InvokeAI (3.x) models folder: ``<base>/<type>/<name>``."""
    models = root / "models"
    write_kind(models / "sd-1" / "lora" / "pixel.safetensors", "kohya_sd1")
    write_kind(models / "sdxl" / "embedding" / "neg.safetensors", "embedding_sdxl")
    write_kind(models / "sd-1" / "ip_adapter" / "ip.safetensors", "ip_adapter_sd1")
    write_kind(models / "sd-1" / "main" / "base.safetensors", "checkpoint_sd1")
    write_kind(models / "any" / "vae" / "vae.safetensors", "vae")
    return root
