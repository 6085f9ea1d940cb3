"""Diffusers -> original (LDM / "single file") tensor names for UNet, VAE and CLIP encoders.

Single-file checkpoints (A1111/ComfyUI/Civitai ``.safetensors``) keep the names of the
CompVis/Stability code: ``model.diffusion_model.input_blocks.N...`` for the UNet,
``first_stage_model.encoder.down.N...`` for the VAE, CLIP under ``cond_stage_model`` or
``conditioner.embedders``. Studio writes tiny checkpoints in this layout so loading them is
tested end to end; the mapping below is the inverse of what diffusers' single-file loader reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

Tensors = Mapping[str, "torch.Tensor"]

UNET_PREFIX = "model.diffusion_model."
VAE_PREFIX = "first_stage_model."
SD1_CLIP_PREFIX = "cond_stage_model.transformer."
SDXL_CLIP_L_PREFIX = "conditioner.embedders.0.transformer."
SDXL_CLIP_G_PREFIX = "conditioner.embedders.1.model."

_UNET_TOP = {
    "time_embedding.linear_1.": "time_embed.0.",
    "time_embedding.linear_2.": "time_embed.2.",
    "add_embedding.linear_1.": "label_emb.0.0.",
    "add_embedding.linear_2.": "label_emb.0.2.",
    "conv_in.": "input_blocks.0.0.",
    "conv_norm_out.": "out.0.",
    "conv_out.": "out.2.",
}
_UNET_RESNET = {
    "norm1.": "in_layers.0.",
    "conv1.": "in_layers.2.",
    "norm2.": "out_layers.0.",
    "conv2.": "out_layers.3.",
    "time_emb_proj.": "emb_layers.1.",
    "conv_shortcut.": "skip_connection.",
}
_VAE_TOP = {
    "conv_in.": "conv_in.",
    "conv_out.": "conv_out.",
    "conv_norm_out.": "norm_out.",
}
_VAE_ATTENTION = {
    "group_norm.": "norm.",
    "to_q.": "q.",
    "to_k.": "k.",
    "to_v.": "v.",
    "to_out.0.": "proj_out.",
}
_OPEN_CLIP_LAYER = {
    "layer_norm1.": "ln_1.",
    "layer_norm2.": "ln_2.",
    "mlp.fc1.": "mlp.c_fc.",
    "mlp.fc2.": "mlp.c_proj.",
    "self_attn.out_proj.": "attn.out_proj.",
}


def _rename(key: str, table: Mapping[str, str]) -> str:
    for old, new in table.items():
        if key.startswith(old):
            return new + key[len(old) :]
    return key


def unet_block_prefixes(num_blocks: int, layers_per_block: int) -> dict[str, str]:
    """Diffusers module prefix -> LDM prefix for every block of a UNet.

    LDM numbers ``input_blocks`` consecutively: 0 is ``conv_in``, then each down block's
    ``layers_per_block`` layers (resnet at ``.0``, attention at ``.1``) and its downsampler
    (``.0.op``). ``output_blocks`` hold ``layers_per_block + 1`` layers per up block, the
    upsampler sitting after the attention if there is one.
    """
    table: dict[str, str] = {}
    index = 1
    for block in range(num_blocks):
        for layer in range(layers_per_block):
            table[f"down_blocks.{block}.resnets.{layer}."] = f"input_blocks.{index}.0."
            table[f"down_blocks.{block}.attentions.{layer}."] = f"input_blocks.{index}.1."
            index += 1
        if block < num_blocks - 1:
            table[f"down_blocks.{block}.downsamplers.0.conv."] = f"input_blocks.{index}.0.op."
            index += 1
    table["mid_block.resnets.0."] = "middle_block.0."
    table["mid_block.attentions.0."] = "middle_block.1."
    table["mid_block.resnets.1."] = "middle_block.2."
    return table


def unet_to_ldm(state: Tensors, num_blocks: int, layers_per_block: int) -> dict[str, torch.Tensor]:
    """Rename a diffusers ``UNet2DConditionModel`` state dict to the LDM layout."""
    table = unet_block_prefixes(num_blocks, layers_per_block)
    table.update(_up_block_prefixes(state, num_blocks, layers_per_block))
    out: dict[str, torch.Tensor] = {}
    for key, tensor in state.items():
        new = _rename(key, _UNET_TOP)
        if new == key:
            prefix = next((p for p in table if key.startswith(p)), None)
            if prefix is None:
                raise KeyError(f"no LDM name for UNet tensor {key}")
            rest = key[len(prefix) :]
            if ".resnets." in prefix:
                rest = _rename(rest, _UNET_RESNET)
            new = table[prefix] + rest
        out[UNET_PREFIX + new] = tensor
    return out


def _up_block_prefixes(state: Tensors, num_blocks: int, layers_per_block: int) -> dict[str, str]:
    table: dict[str, str] = {}
    index = 0
    for block in range(num_blocks):
        has_attention = any(k.startswith(f"up_blocks.{block}.attentions.") for k in state)
        for layer in range(layers_per_block + 1):
            table[f"up_blocks.{block}.resnets.{layer}."] = f"output_blocks.{index}.0."
            table[f"up_blocks.{block}.attentions.{layer}."] = f"output_blocks.{index}.1."
            if layer == layers_per_block and block < num_blocks - 1:
                slot = 2 if has_attention else 1
                table[f"up_blocks.{block}.upsamplers.0.conv."] = (
                    f"output_blocks.{index}.{slot}.conv."
                )
            index += 1
    return table


def vae_to_ldm(state: Tensors, num_blocks: int) -> dict[str, torch.Tensor]:
    """Rename a diffusers ``AutoencoderKL`` state dict to the LDM layout.

    The decoder's up blocks run in reverse order in LDM, and the mid-block attention stores
    its projections as 1x1 convolutions.
    """
    out: dict[str, torch.Tensor] = {}
    for key, tensor in state.items():
        new, tensor = _vae_key(key, tensor, num_blocks)
        out[VAE_PREFIX + new] = tensor
    return out


def _vae_key(key: str, tensor: torch.Tensor, num_blocks: int) -> tuple[str, torch.Tensor]:
    if key.startswith(("quant_conv.", "post_quant_conv.")):
        return key, tensor
    part, rest = key.split(".", 1)  # "encoder" or "decoder"
    if rest.startswith(("down_blocks.", "up_blocks.")):
        kind, block, sub, rest = rest.split(".", 3)
        level = int(block) if kind == "down_blocks" else num_blocks - 1 - int(block)
        ldm_kind = "down" if kind == "down_blocks" else "up"
        if sub == "resnets":
            layer, rest = rest.split(".", 1)
            rest = rest.replace("conv_shortcut.", "nin_shortcut.")
            return f"{part}.{ldm_kind}.{level}.block.{layer}.{rest}", tensor
        sampler = "downsample" if ldm_kind == "down" else "upsample"
        return f"{part}.{ldm_kind}.{level}.{sampler}.{rest.split('.', 1)[1]}", tensor
    if rest.startswith("mid_block.resnets."):
        layer, rest = rest[len("mid_block.resnets.") :].split(".", 1)
        return f"{part}.mid.block_{int(layer) + 1}.{rest}", tensor
    if rest.startswith("mid_block.attentions.0."):
        rest = _rename(rest[len("mid_block.attentions.0.") :], _VAE_ATTENTION)
        if rest.endswith("weight") and tensor.ndim == 2:
            tensor = tensor[:, :, None, None]
        return f"{part}.mid.attn_1.{rest}", tensor
    return f"{part}.{_rename(rest, _VAE_TOP)}", tensor


def clip_to_ldm(state: Tensors, prefix: str) -> dict[str, torch.Tensor]:
    """OpenAI CLIP text encoder: the transformers names, nested under ``prefix``.

    Newer transformers flatten ``CLIPTextModel`` (no ``text_model.`` level); the original
    checkpoints always have it, so it is put back.
    """
    out = {}
    for key, tensor in state.items():
        nested = key if key.startswith("text_model.") else f"text_model.{key}"
        out[prefix + nested] = tensor
    return out


def open_clip_to_ldm(state: Tensors, prefix: str) -> dict[str, torch.Tensor]:
    """OpenCLIP text encoder (SD 2.x, SDXL's second encoder) in open_clip's own layout.

    open_clip fuses the q/k/v projections into one ``in_proj`` matrix and stores the text
    projection transposed (``x @ text_projection``).
    """
    import torch

    body = {k.removeprefix("text_model."): v for k, v in state.items()}
    out: dict[str, torch.Tensor] = {
        prefix + "token_embedding.weight": body["embeddings.token_embedding.weight"],
        prefix + "positional_embedding": body["embeddings.position_embedding.weight"],
        prefix + "ln_final.weight": body["final_layer_norm.weight"],
        prefix + "ln_final.bias": body["final_layer_norm.bias"],
    }
    if "text_projection.weight" in body:
        out[prefix + "text_projection"] = body["text_projection.weight"].T.contiguous()
    layers = sorted({int(k.split(".")[2]) for k in body if k.startswith("encoder.layers.")})
    for index in layers:
        source = f"encoder.layers.{index}."
        target = f"{prefix}transformer.resblocks.{index}."
        for kind in ("weight", "bias"):
            parts = [body[f"{source}self_attn.{p}_proj.{kind}"] for p in ("q", "k", "v")]
            out[f"{target}attn.in_proj_{kind}"] = torch.cat(parts, dim=0)
        for key, tensor in body.items():
            if key.startswith(source) and ".q_proj." not in key and ".k_proj." not in key:
                if ".v_proj." in key:
                    continue
                out[target + _rename(key[len(source) :], _OPEN_CLIP_LAYER)] = tensor
    return out
