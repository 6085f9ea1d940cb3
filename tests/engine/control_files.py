"""Tiny ControlNets built from a tiny UNet, saved in the layouts users' files come in.

``ControlNetModel.from_unet`` copies the UNet's encoder half, as the real ones were made; the
zero convolutions are given random weights so the control visibly steers. Saved as a diffusers
folder and as A1111's single file (``control_model.`` + LDM names, the layout of
``control_v11p_sd15_canny.safetensors``), through the inverse of diffusers' own mapping.
"""

from __future__ import annotations

from pathlib import Path

from studio.engine.sd.ldm_keys import unet_to_ldm
from tests.engine.addon_files import save_safetensors


def tiny_controlnet(unet, seed: int = 0):
    import torch
    from diffusers import ControlNetModel

    controlnet = ControlNetModel.from_unet(unet)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, tensor in controlnet.named_parameters():
            if name.startswith(("controlnet_down_blocks", "controlnet_mid_block")):
                tensor.copy_(torch.randn(tensor.shape, generator=generator) * 0.5)
    return controlnet.eval()


def save_diffusers_folder(controlnet, folder: Path) -> Path:
    controlnet.save_pretrained(folder, safe_serialization=True)
    return folder


def save_a1111_file(controlnet, path: Path) -> Path:
    """The single-file layout: ``control_model.input_blocks...``, ``zero_convs``, hint block."""
    from diffusers.loaders.single_file_utils import DIFFUSERS_TO_LDM_MAPPING

    state = controlnet.state_dict()
    config = controlnet.config
    own = DIFFUSERS_TO_LDM_MAPPING["controlnet"]["layers"]
    ldm = {own[key]: tensor for key, tensor in state.items() if key in own}
    blocks = len(config.block_out_channels)
    for index in range(blocks * (config.layers_per_block + 1)):
        for suffix in ("weight", "bias"):
            ldm[f"zero_convs.{index}.0.{suffix}"] = state[
                f"controlnet_down_blocks.{index}.{suffix}"
            ]
    for suffix in ("weight", "bias"):
        ldm[f"middle_block_out.0.{suffix}"] = state[f"controlnet_mid_block.{suffix}"]
    embed = [key for key in state if key.startswith("controlnet_cond_embedding.blocks.")]
    for key in embed:  # blocks.N -> input_hint_block.(2N + 2), between the SiLUs
        number, suffix = key.split(".")[2], key.split(".")[-1]
        ldm[f"input_hint_block.{2 * int(number) + 2}.{suffix}"] = state[key]
    unet_part = {
        key: tensor
        for key, tensor in state.items()
        if not key.startswith(("controlnet_", "up_blocks"))
    }
    prefix = "model.diffusion_model."
    for key, tensor in unet_to_ldm(unet_part, blocks, config.layers_per_block).items():
        ldm.setdefault(key.removeprefix(prefix), tensor)
    save_safetensors({f"control_model.{k}": v.contiguous() for k, v in ldm.items()}, path)
    return path
