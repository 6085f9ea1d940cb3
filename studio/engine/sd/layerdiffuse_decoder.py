"""LayerDiffuse's transparent VAE decoder: a latent plus its decoded RGB in, RGBA out.

The published files (``layer_sd15_vae_transparent_decoder.safetensors`` for SD 1.5,
``vae_transparent_decoder.safetensors`` for SDXL) hold a small UNet without a time input,
built from diffusers' 2D blocks (arXiv 2402.17113, section 3.2): ``conv_in`` takes the RGB
image the ordinary VAE decoded, seven levels of ``down_blocks`` (plain resnets, the last three
with self-attention) halve it six times, ``latent_conv_in`` (a 1x1 convolution) adds the
latent where the image has shrunk to the latent's size (before level 3), then ``mid_block``
and ``up_blocks`` with skip connections, and ``conv_out`` gives four channels: alpha, then the
foreground colour. The channel widths, levels and resnets per level are read from the file's
tensor shapes, so a scaled-down test model of the same layout loads the same way.

Like the reference code, the decoder runs on the eight flips and rotations of its input and
takes the per-pixel median, which removes most of its seam artefacts.
Import this module only when a job needs it: it imports torch and diffusers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from diffusers.models.unets.unet_2d_blocks import UNetMidBlock2D, get_down_block, get_up_block

from studio.domain.errors import ModelLoadError
from studio.engine.safe_load import load_state_dict

LEVELS_BEFORE_LATENT = 3  # three halvings bring the image to the latent's 1/8 size
ATTENTION_LEVELS = 3  # the deepest levels carry self-attention
NORM_GROUPS = 4  # the published decoders normalise in 4 groups (not readable from shapes)
HEAD_WIDTH = 8


@dataclass(frozen=True)
class DecoderShape:
    """The sizes a transparent decoder file fixes: channels per level, resnets per level."""

    widths: tuple[int, ...]
    layers_per_block: int


def decoder_shape(shapes: dict[str, tuple[int, ...]], name: str) -> DecoderShape:
    """Read the decoder's sizes from its tensor shapes.

    Raises
    ------
    ModelLoadError
        If the file is not a transparent decoder of the published layout.
    """
    widths: list[int] = []
    while (shape := shapes.get(f"down_blocks.{len(widths)}.resnets.0.conv1.weight")) is not None:
        widths.append(shape[0])
    layers = sum(f"down_blocks.0.resnets.{i}.conv1.weight" in shapes for i in range(16))
    out = shapes.get("conv_out.weight", ())
    if len(widths) <= LEVELS_BEFORE_LATENT or not layers or out[:1] != (4,):
        raise ModelLoadError(
            f"{name} is not a LayerDiffuse transparent decoder (no RGBA output of the published "
            "layout): use layer_sd15_vae_transparent_decoder.safetensors or "
            "vae_transparent_decoder.safetensors."
        )
    return DecoderShape(tuple(widths), layers)


def load_transparent_decoder(path: Path) -> TransparentDecoder:
    """The decoder in ``path``, on the CPU, in evaluation mode.

    Raises
    ------
    DamagedModelError, UnsafeModelError
        A file that cannot be read safely.
    ModelLoadError
        A file of another layout, named in one line.
    """
    state = load_state_dict(path)
    shape = decoder_shape({k: tuple(v.shape) for k, v in state.items()}, path.name)
    decoder = TransparentDecoder(shape)
    try:
        decoder.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        first = (str(exc).strip().splitlines() or ["mismatch"])[-1].strip()[:160]
        raise ModelLoadError(
            f"{path.name} does not match LayerDiffuse's transparent decoder ({first}): "
            "use the file as published."
        ) from None
    return decoder.eval()


def decode_rgba(decoder: torch.nn.Module, rgb: torch.Tensor, latent: torch.Tensor) -> torch.Tensor:
    """RGBA in ``[0, 1]`` for ``rgb`` (``[B, 3, H, W]`` in ``[0, 1]``) and its latent.

    ``latent`` is the VAE's own latent (divided by the VAE's scaling factor), ``[B, 4, H/8,
    W/8]``. The result is the median over the eight flips and rotations.
    """
    param = next(decoder.parameters())
    height, width = rgb.shape[2:]
    # Six halvings and back: sizes that are not multiples of 64 are padded, then cropped.
    pad_h, pad_w = -height % 64, -width % 64
    rgb = _pad(rgb.to(param.device, param.dtype), pad_h, pad_w)
    latent = _pad(latent.to(param.device, param.dtype), pad_h // 8, pad_w // 8)
    results = []
    with torch.inference_mode():
        for flip in (False, True):
            for turns in range(4):
                pixels, codes = _orient(rgb, flip, turns), _orient(latent, flip, turns)
                out = decoder(pixels, codes).clamp(0, 1)
                results.append(_unorient(out, flip, turns))
    median = torch.stack(results).median(dim=0).values[:, :, :height, :width]
    return torch.cat([median[:, 1:], median[:, :1]], dim=1).float()  # alpha first in the file


def _pad(x: torch.Tensor, bottom: int, right: int) -> torch.Tensor:
    if not bottom and not right:
        return x
    return torch.nn.functional.pad(x, (0, right, 0, bottom), mode="replicate")


def _orient(x: torch.Tensor, flip: bool, turns: int) -> torch.Tensor:
    x = torch.flip(x, dims=(3,)) if flip else x
    return torch.rot90(x, k=turns, dims=(2, 3))


def _unorient(x: torch.Tensor, flip: bool, turns: int) -> torch.Tensor:
    x = torch.rot90(x, k=-turns, dims=(2, 3))
    return torch.flip(x, dims=(3,)) if flip else x


def _block_options() -> dict[str, Any]:
    return {
        "temb_channels": None,
        "resnet_eps": 1e-5,
        "resnet_act_fn": "silu",
        "resnet_groups": NORM_GROUPS,
        "attention_head_dim": HEAD_WIDTH,
        "resnet_time_scale_shift": "default",
        "dropout": 0.0,
    }


class TransparentDecoder(torch.nn.Module):
    """The decoder's modules, named as in the published files."""

    def __init__(self, shape: DecoderShape) -> None:
        super().__init__()
        widths, levels, options = shape.widths, len(shape.widths), _block_options()
        plain = levels - ATTENTION_LEVELS
        self.conv_in = torch.nn.Conv2d(3, widths[0], kernel_size=3, padding=1)
        self.latent_conv_in = torch.nn.Conv2d(4, widths[LEVELS_BEFORE_LATENT - 1], 1)
        self.down_blocks = torch.nn.ModuleList(
            get_down_block(
                "DownBlock2D" if i < plain else "AttnDownBlock2D",
                num_layers=shape.layers_per_block,
                in_channels=widths[max(i - 1, 0)],
                out_channels=widths[i],
                add_downsample=i < levels - 1,
                downsample_padding=1,
                downsample_type="conv",
                **options,
            )
            for i in range(levels)
        )
        self.mid_block = UNetMidBlock2D(
            in_channels=widths[-1],
            temb_channels=None,  # type: ignore[arg-type]  # no time input; diffusers allows it
            resnet_eps=1e-5,
            resnet_act_fn="silu",
            resnet_groups=NORM_GROUPS,
            attention_head_dim=HEAD_WIDTH,
            add_attention=True,
        )
        reverse = widths[::-1]
        self.up_blocks = torch.nn.ModuleList(
            get_up_block(
                "AttnUpBlock2D" if i < ATTENTION_LEVELS else "UpBlock2D",
                num_layers=shape.layers_per_block + 1,
                in_channels=reverse[min(i + 1, levels - 1)],
                out_channels=reverse[i],
                prev_output_channel=reverse[max(i - 1, 0)],
                add_upsample=i < levels - 1,
                upsample_type="conv",
                **options,
            )
            for i in range(levels)
        )
        self.conv_norm_out = torch.nn.GroupNorm(NORM_GROUPS, widths[0], eps=1e-5)
        self.conv_act = torch.nn.SiLU()
        self.conv_out = torch.nn.Conv2d(widths[0], 4, kernel_size=3, padding=1)
        self._up_layers = shape.layers_per_block + 1

    def forward(self, pixels: torch.Tensor, latent: torch.Tensor) -> torch.Tensor:
        sample = self.conv_in(pixels)
        skips: tuple[torch.Tensor, ...] = (sample,)
        for level, block in enumerate(self.down_blocks):
            if level == LEVELS_BEFORE_LATENT:
                sample = sample + self.latent_conv_in(latent)
            sample, more = block(hidden_states=sample, temb=None)
            skips += more
        sample = self.mid_block(sample, None)
        count = self._up_layers  # each up block takes one skip per resnet
        for block in self.up_blocks:
            sample, skips = block(sample, skips[-count:], None), skips[:-count]
        return self.conv_out(self.conv_act(self.conv_norm_out(sample)))
