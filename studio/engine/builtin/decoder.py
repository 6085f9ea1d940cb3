"""The conditional image decoder shared by the VAE (its decoder) and the GAN (its generator).

A latent vector and the prompt become a small grid, then residual blocks upsample it to the
sprite size. Latent and sentence vector modulate every block (FiLM); the token states are read
through cross-attention at the coarse resolutions, where shapes and colours are decided.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812  (the PyTorch idiom)
from torch import nn

from studio.engine.builtin.configs import DecoderConfig
from studio.engine.builtin.layers import (
    Attention2d,
    Conditioning,
    ResBlock,
    Upsample,
    group_norm,
)
from studio.engine.builtin.reference import ReferenceEncoder


class SpriteDecoder(nn.Module):
    """``(z, text) -> (B, 4, S, S)`` premultiplied RGBA in model space.

    Parameters
    ----------
    channels
        Widths from the coarsest grid to the full resolution; each step doubles the size, so
        the grid starts at ``sample_size / 2 ** (len(channels) - 1)``.
    cross_attention
        Per resolution, whether blocks attend to the prompt tokens.
    tanh
        Squash the output to [-1, 1] (the GAN's habit); the VAE keeps a linear output.
    """

    def __init__(
        self,
        *,
        sample_size: int,
        latent_dim: int,
        channels: tuple[int, ...],
        blocks_per_level: int,
        cross_attention: tuple[bool, ...],
        emb_dim: int,
        context_dim: int,
        heads: int,
        tanh: bool = False,
        reference_channels: int = 0,
    ) -> None:
        super().__init__()
        self.channels = channels
        self.base = sample_size // 2 ** (len(channels) - 1)
        self.tanh = tanh
        self.emb = nn.Sequential(
            nn.Linear(latent_dim + emb_dim, emb_dim), nn.SiLU(), nn.Linear(emb_dim, emb_dim)
        )
        self.to_grid = nn.Linear(emb_dim, channels[0] * self.base**2)
        self.levels = nn.ModuleList()
        for level, width in enumerate(channels):
            blocks = nn.ModuleList(ResBlock(width, width, emb_dim) for _ in range(blocks_per_level))
            attns = nn.ModuleList(
                Attention2d(width, heads, context_dim) if cross_attention[level] else nn.Identity()
                for _ in range(blocks_per_level)
            )
            self.levels.append(nn.ModuleDict({"blocks": blocks, "attns": attns}))
        self.ups = nn.ModuleList(
            Upsample(channels[i], channels[i + 1]) for i in range(len(channels) - 1)
        )
        self.norm_out = group_norm(channels[-1])
        self.conv_out = nn.Conv2d(channels[-1], 4, 3, padding=1)
        # Only retrieval-augmented models have this path; the plain ones keep their weights.
        self.reference = (
            ReferenceEncoder(channels, reference_channels) if reference_channels > 0 else None
        )

    @classmethod
    def from_config(
        cls, config: DecoderConfig, latent_dim: int, tanh: bool = False
    ) -> SpriteDecoder:
        """The decoder a VAE or GAN config describes."""
        return cls(
            sample_size=config.sample_size,
            latent_dim=latent_dim,
            channels=config.channels,
            blocks_per_level=config.blocks_per_level,
            cross_attention=config.cross_attention,
            emb_dim=config.emb_dim,
            context_dim=config.context_dim,
            heads=config.heads,
            tanh=tanh,
            reference_channels=config.reference_channels,
        )

    def forward(self, z: torch.Tensor, cond: Conditioning) -> torch.Tensor:
        emb = self.emb(torch.cat([z, cond.vector], dim=1))
        h = self.to_grid(emb).view(-1, self.channels[0], self.base, self.base)
        added = self._reference_features(cond)
        for index, level in enumerate(self.levels):
            if added is not None:
                h = h + added[index]
            for block, attn in zip(level["blocks"], level["attns"], strict=True):
                h = block(h, emb)
                if not isinstance(attn, nn.Identity):
                    h = attn(h, cond.context, cond.mask)
            if index < len(self.ups):
                h = self.ups[index](h)
        out = self.conv_out(F.silu(self.norm_out(h)))
        return torch.tanh(out) if self.tanh else out

    def _reference_features(self, cond: Conditioning) -> list[torch.Tensor] | None:
        if self.reference is None or cond.reference is None:
            return None  # a model without the path, or a prompt the bank had nothing for
        return self.reference(cond.reference.to(self.conv_out.weight.dtype))
