"""The built-in diffusion family: a small pixel-space UNet conditioned on the prompt's tokens.

A compact ADM-style UNet on premultiplied RGBA: residual blocks modulated by the timestep and
the pooled sentence vector, cross-attention to MiniLM's token states at the lower resolutions,
v-prediction on a cosine schedule. Sampling (schedulers, guidance) lives in
:mod:`studio.engine.builtin.sampling`.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F  # noqa: N812  (the PyTorch idiom)
from torch import nn

from studio.engine.builtin.generation import SampleSettings, SamplingResult
from studio.engine.builtin.layers import (
    Attention2d,
    Conditioning,
    Downsample,
    ResBlock,
    TextConditioner,
    Upsample,
    group_norm,
    timestep_embedding,
    zero_module,
)
from studio.engine.builtin.pretrained import BuiltinModel, Draw
from studio.engine.builtin.sampling import count_steps, sample


@dataclass(frozen=True)
class DiffusionConfig:
    """Architecture and noise schedule of :class:`SpriteDiffusion`.

    ``cross_attention`` and ``self_attention`` say, per resolution level, where the blocks
    attend to the prompt tokens and to the other pixels.
    """

    sample_size: int = 32
    patch_size: int = 1
    channels: tuple[int, ...] = (64, 128, 192)
    blocks_per_level: int = 1
    cross_attention: tuple[bool, ...] = (False, True, True)
    self_attention: tuple[bool, ...] = (False, False, True)
    heads: int = 4
    context_dim: int = 128
    emb_dim: int = 256
    dropout: float = 0.0
    prediction_type: str = "v_prediction"
    num_train_timesteps: int = 1000
    sigma_max: float = 80.0
    guidance_rescale: float = 0.7


class _AttentionStack(nn.Module):
    def __init__(self, channels: int, config: DiffusionConfig, self_attn: bool) -> None:
        super().__init__()
        self.self_attn = Attention2d(channels, config.heads) if self_attn else None
        self.cross_attn = Attention2d(channels, config.heads, config.context_dim)

    def forward(self, x: torch.Tensor, cond: Conditioning) -> torch.Tensor:
        if self.self_attn is not None:
            x = self.self_attn(x)
        return self.cross_attn(x, cond.context, cond.mask)


class _Level(nn.Module):
    """The residual blocks of one resolution, each optionally followed by attention."""

    def __init__(
        self, in_channels: list[int], out_ch: int, config: DiffusionConfig, level: int
    ) -> None:
        super().__init__()
        self.blocks = nn.ModuleList(
            ResBlock(in_ch, out_ch, config.emb_dim, config.dropout) for in_ch in in_channels
        )
        self.attns = nn.ModuleList(
            _AttentionStack(out_ch, config, config.self_attention[level])
            if config.cross_attention[level]
            else nn.Identity()
            for _ in in_channels
        )


class SpriteUNet(nn.Module):
    """Predicts v (or noise) for a noisy premultiplied-RGBA image, a timestep and a prompt."""

    def __init__(self, config: DiffusionConfig) -> None:
        super().__init__()
        self.config = config
        ch = config.channels
        self.time_mlp = nn.Sequential(
            nn.Linear(ch[0], config.emb_dim), nn.SiLU(), nn.Linear(config.emb_dim, config.emb_dim)
        )
        patch_channels = 4 * config.patch_size**2
        self.conv_in = nn.Conv2d(patch_channels, ch[0], 3, padding=1)
        self.down = nn.ModuleList()
        self.downsamplers = nn.ModuleList()
        skips = [ch[0]]
        prev = ch[0]
        n = config.blocks_per_level
        for level, width in enumerate(ch):
            self.down.append(_Level([prev] + [width] * (n - 1), width, config, level))
            skips += [width] * n
            prev = width
            last = level == len(ch) - 1
            self.downsamplers.append(nn.Identity() if last else Downsample(width, width))
            if not last:
                skips.append(width)
        self.mid1 = ResBlock(prev, prev, config.emb_dim)
        self.mid_attn = _AttentionStack(prev, config, self_attn=True)
        self.mid2 = ResBlock(prev, prev, config.emb_dim)
        self.up = nn.ModuleList()
        self.upsamplers = nn.ModuleList()
        for level in reversed(range(len(ch))):
            width = ch[level]
            in_channels = []
            for _ in range(n + 1):
                in_channels.append(prev + skips.pop())
                prev = width
            self.up.append(_Level(in_channels, width, config, level))
            self.upsamplers.append(nn.Identity() if level == 0 else Upsample(width, width))
        self.norm_out = group_norm(ch[0])
        self.conv_out = zero_module(nn.Conv2d(ch[0], patch_channels, 3, padding=1))

    def forward(self, x: torch.Tensor, t: torch.Tensor, cond: Conditioning) -> torch.Tensor:
        """``x`` ``(B, 4, S, S)``, ``t`` ``(B,)`` timesteps in [0, num_train_timesteps)."""
        emb = self.time_mlp(timestep_embedding(t, self.config.channels[0])) + cond.vector
        h = self.conv_in(F.pixel_unshuffle(x, self.config.patch_size))
        skips = [h]
        for level, downsample in zip(self.down, self.downsamplers, strict=True):
            for block, attn in zip(level.blocks, level.attns, strict=True):
                h = _apply_attn(attn, block(h, emb), cond)
                skips.append(h)
            if not isinstance(downsample, nn.Identity):
                h = downsample(h)
                skips.append(h)
        h = self.mid2(self.mid_attn(self.mid1(h, emb), cond), emb)
        for level, upsample in zip(self.up, self.upsamplers, strict=True):
            for block, attn in zip(level.blocks, level.attns, strict=True):
                h = _apply_attn(attn, block(torch.cat([h, skips.pop()], dim=1), emb), cond)
            h = upsample(h)
        out = self.conv_out(F.silu(self.norm_out(h)))
        return F.pixel_shuffle(out, self.config.patch_size)


def _apply_attn(attn: nn.Module, h: torch.Tensor, cond: Conditioning) -> torch.Tensor:
    return h if isinstance(attn, nn.Identity) else attn(h, cond)


class SpriteDiffusion(BuiltinModel, family="diffusion", config_class=DiffusionConfig):
    """Text conditioner + UNet: the whole built-in diffusion model."""

    def __init__(self, config: DiffusionConfig) -> None:
        super().__init__(config)
        self.text = TextConditioner(config.context_dim, config.emb_dim)
        self.unet = SpriteUNet(config)

    def forward(self, x: torch.Tensor, t: torch.Tensor, cond: Conditioning) -> torch.Tensor:
        return self.unet(x, t, cond)

    def count_steps(self, settings: SampleSettings) -> int:
        """Progress steps one image takes with ``settings``."""
        return count_steps(self.config, settings)

    def _sample(self, draw: Draw) -> SamplingResult:
        """Sample one image per row of ``cond`` (rows hold (prompt, unconditional) pairs)."""
        return sample(self, draw.cond, draw.generator, draw.settings, draw.on_step)
