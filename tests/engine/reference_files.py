"""Tiny IP-Adapters and CLIP image encoders in the published layouts, built for tests.

The encoder is transformers' ``CLIPVisionModelWithProjection`` from a tiny config
(``fixtures/tiny_clip_vision.json``), saved as h94/IP-Adapter's ``image_encoder/`` folder or as
ComfyUI's single ``clip_vision`` file. The adapter carries the tensor names of
``ip-adapter_sd15.safetensors``: ``image_proj.proj`` / ``image_proj.norm`` and, for the i-th
cross-attention of the UNet, ``ip_adapter.{2i+1}.to_k_ip.weight`` / ``to_v_ip.weight``
(the original code counted self- and cross-attention together, hence the odd numbers).
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "fixtures" / "tiny_clip_vision.json"


def tiny_encoder(seed: int = 0):
    import torch
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

    torch.manual_seed(seed)
    config = CLIPVisionConfig(**json.loads(CONFIG.read_text()))
    return CLIPVisionModelWithProjection(config).eval()


def save_encoder_folder(encoder, folder: Path) -> Path:
    encoder.save_pretrained(folder, safe_serialization=True)
    return folder


def save_encoder_file(encoder, path: Path) -> Path:
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.contiguous() for k, v in encoder.state_dict().items()}
    save_file(state, str(path))
    return path


def ip_adapter_tensors(unet, encoder, seed: int = 0, scale: float = 0.5) -> dict:
    """A base IP-Adapter's tensors for ``unet`` reading ``encoder``'s projection."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    cross = int(unet.config.cross_attention_dim)
    width = int(encoder.config.projection_dim)

    def rand(*shape):
        return torch.randn(*shape, generator=generator) * scale

    tensors = {
        "image_proj.proj.weight": rand(cross * 4, width),
        "image_proj.proj.bias": rand(cross * 4),
        "image_proj.norm.weight": torch.ones(cross),
        "image_proj.norm.bias": torch.zeros(cross),
    }
    cross_attention = [name for name in unet.attn_processors if name.endswith("attn2.processor")]
    for i, name in enumerate(cross_attention):
        hidden = _hidden_size(unet, name)
        tensors[f"ip_adapter.{2 * i + 1}.to_k_ip.weight"] = rand(hidden, cross)
        tensors[f"ip_adapter.{2 * i + 1}.to_v_ip.weight"] = rand(hidden, cross)
    return tensors


def save_ip_adapter(tensors: dict, path: Path) -> Path:
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(path))
    return path


def _hidden_size(unet, name: str) -> int:
    channels = list(unet.config.block_out_channels)
    if name.startswith("mid_block"):
        return channels[-1]
    block = int(name.split(".")[1])
    return (channels[::-1] if name.startswith("up_blocks") else channels)[block]
