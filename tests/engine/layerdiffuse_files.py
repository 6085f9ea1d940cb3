"""Tiny LayerDiffuse files in the published layouts, built for tests.

- The transparent decoder has the tensor names of ``layer_sd15_vae_transparent_decoder`` /
  ``vae_transparent_decoder`` (``conv_in``, ``latent_conv_in``, seven ``down_blocks`` levels,
  the last three with attention, ``mid_block``, ``up_blocks``, a 4-channel ``conv_out``) with
  its widths scaled down from (32, 32, 64, 128, 256, 512, 512).
- The patches have the names of ``layer_sd15_transparent_attn`` and
  ``layer_xl_transparent_attn``: ``diffusion_model.<LDM name>::lora::0`` (up) and
  ``::lora::1`` (down) for every attention projection. The LDM names are written out here,
  not derived from Studio's key mapping, so a wrong mapping fails the test.
"""

from __future__ import annotations

from pathlib import Path

TINY_WIDTHS = (4, 4, 4, 8, 8, 8, 8)

# LDM place -> diffusers module of each transformer of the tiny UNets, written out here (the
# test's own reading of LDM numbering, independent of studio's mapping).
# SD 1.x (two levels, two layers each, attention in the first): SD 1.5's own first ones are
# input_blocks.1.1 and 2.1 too.
SD1_ATTENTIONS = {"input_blocks.1.1": "down_blocks.0.attentions.0",
                  "input_blocks.2.1": "down_blocks.0.attentions.1",
                  "middle_block.1": "mid_block.attentions.0",
                  "output_blocks.3.1": "up_blocks.1.attentions.0",
                  "output_blocks.4.1": "up_blocks.1.attentions.1",
                  "output_blocks.5.1": "up_blocks.1.attentions.2"}  # fmt: skip
# SDXL (no attention in the first level, two transformer blocks in the second): as in SDXL,
# whose first attentions are input_blocks.4.1 and 5.1.
SDXL_ATTENTIONS = {"input_blocks.4.1": "down_blocks.1.attentions.0",
                   "input_blocks.5.1": "down_blocks.1.attentions.1",
                   "middle_block.1": "mid_block.attentions.0",
                   "output_blocks.0.1": "up_blocks.0.attentions.0",
                   "output_blocks.1.1": "up_blocks.0.attentions.1",
                   "output_blocks.2.1": "up_blocks.0.attentions.2"}  # fmt: skip
PROJECTIONS = ("attn1.to_q", "attn1.to_k", "attn1.to_v", "attn1.to_out.0",
               "attn2.to_q", "attn2.to_k", "attn2.to_v", "attn2.to_out.0")  # fmt: skip


def save_decoder(path: Path, seed: int = 0) -> Path:
    """A random transparent decoder of the published layout, as a ``.safetensors`` file."""
    import torch
    from safetensors.torch import save_file

    from studio.engine.sd.layerdiffuse_decoder import DecoderShape, TransparentDecoder

    torch.manual_seed(seed)
    decoder = TransparentDecoder(DecoderShape(TINY_WIDTHS, 2))
    with torch.no_grad():  # outputs centred in [0, 1], so alpha varies rather than clips
        decoder.conv_out.weight.mul_(0.4)
        decoder.conv_out.bias.fill_(0.5)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in decoder.state_dict().items()}, str(path))
    return path


def sd1_patch_tensors(unet, rank: int = 2, seed: int = 0, scale: float = 0.5) -> dict:
    """The attention LoRA of ``layer_sd15_transparent_attn`` for the tiny SD 1.x UNet."""
    return _attention_lora(unet, SD1_ATTENTIONS, rank, seed, scale)


def sdxl_patch_tensors(unet, rank: int = 2, seed: int = 0, scale: float = 0.5) -> dict:
    """The attention LoRA of ``layer_xl_transparent_attn`` for the tiny SDXL UNet: every
    transformer block of each place (SDXL's have 2 and 10; the names number them)."""
    return _attention_lora(unet, SDXL_ATTENTIONS, rank, seed, scale)


def _attention_lora(unet, places: dict[str, str], rank: int, seed: int, scale: float) -> dict:
    import torch

    generator = torch.Generator().manual_seed(seed)
    tensors = {}
    for block, module_name in places.items():
        depth = len(unet.get_submodule(module_name).transformer_blocks)
        for number in range(depth):
            for projection in PROJECTIONS:
                inner = f"transformer_blocks.{number}.{projection}"
                module = unet.get_submodule(f"{module_name}.{inner}")
                out_width, in_width = module.weight.shape
                name = f"diffusion_model.{block}.{inner}.weight"
                up = torch.randn(out_width, rank, generator=generator) * scale
                tensors[f"{name}::lora::0"] = up
                tensors[f"{name}::lora::1"] = torch.randn(rank, in_width, generator=generator)
    return tensors


def save_tensors(tensors: dict, path: Path) -> Path:
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(path))
    return path


def warm_backend_with_files(model_dir: Path, folder: Path, patch: str, decoder: str, make_patch):
    """Yield a warm tiny model whose add-on ``folder`` holds a decoder and a patch for its UNet.

    ``make_patch(unet)`` builds the patch tensors (``sd1_patch_tensors`` or
    ``sdxl_patch_tensors``); the registry is refreshed so the model sees both files.
    """
    import torch

    from studio.domain.settings import EngineSettings
    from studio.engine.registry import ModelRegistry
    from studio.engine.sd.diffusers_backend import load_diffusers_backend

    save_decoder(folder / decoder)
    registry = ModelRegistry(EngineSettings(model_paths=(str(folder),), scan_hf_cache=False))
    info = registry.inspect_path(model_dir)
    loaded = load_diffusers_backend(info, torch.device("cpu"), torch.float32, addon_index=registry)
    save_tensors(make_patch(loaded.pipeline.unet), folder / patch)
    registry.refresh()
    yield loaded
    loaded.unload()
