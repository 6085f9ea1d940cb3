"""Blocks shared by the built-in families: text conditioning, residual and attention blocks.

Every family conditions on two views of the prompt from the frozen MiniLM encoder: the token
states through cross-attention (keeps colour and object words apart: "blue heart" must not come
out pink) and the pooled sentence vector through FiLM scale/shift. A learned "null" text stands
in for an empty prompt, so classifier-free guidance has an unconditional branch to push away from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F  # noqa: N812  (the PyTorch idiom)
from torch import nn

from studio.engine.builtin.configs import norm_groups
from studio.engine.builtin.text_encoder import EMBED_DIM, TextEmbedding


@dataclass(frozen=True, eq=False)
class Conditioning:
    """Text projected into a model's own space.

    Parameters
    ----------
    context
        ``(B, L, C)`` projected token states for cross-attention.
    mask
        ``(B, L)`` bool, True where ``context`` holds a real token.
    vector
        ``(B, D)`` projected sentence vector for FiLM.
    reference
        ``(B, 4, S, S)`` retrieved reference sprites in model space, for models with a
        reference path (:mod:`.reference`); ``None`` otherwise.
    """

    context: torch.Tensor
    mask: torch.Tensor
    vector: torch.Tensor
    reference: torch.Tensor | None = None

    def first(self) -> Conditioning:
        """Only the first row (the prompt of a (prompt, unconditional) pair)."""
        reference = None if self.reference is None else self.reference[:1]
        return Conditioning(self.context[:1], self.mask[:1], self.vector[:1], reference)

    def repeat(self, times: int) -> Conditioning:
        """The same conditioning repeated along the batch (for several samples of one prompt)."""
        reference = None if self.reference is None else self.reference.repeat(times, 1, 1, 1)
        return Conditioning(
            self.context.repeat(times, 1, 1),
            self.mask.repeat(times, 1),
            self.vector.repeat(times, 1),
            reference,
        )


class TextConditioner(nn.Module):
    """Projects MiniLM token states and the pooled vector; owns the learned null prompt.

    Parameters
    ----------
    context_dim
        Width of the projected tokens seen by cross-attention.
    cond_dim
        Width of the projected sentence vector used for FiLM.
    """

    def __init__(self, context_dim: int, cond_dim: int, embed_dim: int = EMBED_DIM) -> None:
        super().__init__()
        self.token_norm = nn.LayerNorm(embed_dim)
        self.token_proj = nn.Linear(embed_dim, context_dim)
        self.pooled_proj = nn.Sequential(
            nn.Linear(embed_dim, cond_dim), nn.SiLU(), nn.Linear(cond_dim, cond_dim)
        )
        self.null_token = nn.Parameter(torch.randn(embed_dim) * 0.02)
        self.null_pooled = nn.Parameter(torch.randn(embed_dim) * 0.02)

    def forward(self, text: TextEmbedding, drop: torch.Tensor | None = None) -> Conditioning:
        """Project ``text``; rows where ``drop`` is True become the null prompt."""
        device = self.null_token.device
        tokens = text.tokens.to(device=device, dtype=self.null_token.dtype)
        pooled = text.pooled.to(device=device, dtype=self.null_token.dtype)
        mask = text.mask.to(device=device, dtype=torch.bool)
        if drop is not None:
            tokens, mask, pooled = self._with_null_rows(tokens, mask, pooled, drop.to(device))
        context = self.token_proj(self.token_norm(tokens))
        return Conditioning(context, mask, self.pooled_proj(pooled))

    def _with_null_rows(
        self, tokens: torch.Tensor, mask: torch.Tensor, pooled: torch.Tensor, drop: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        null_tokens = torch.zeros_like(tokens)
        null_tokens[:, 0] = self.null_token
        null_mask = torch.zeros_like(mask)
        null_mask[:, 0] = True
        rows = drop.view(-1, 1, 1)
        tokens = torch.where(rows, null_tokens, tokens)
        mask = torch.where(drop.view(-1, 1), null_mask, mask)
        pooled = torch.where(drop.view(-1, 1), self.null_pooled.expand_as(pooled), pooled)
        return tokens, mask, pooled


def group_norm(channels: int) -> nn.GroupNorm:
    """GroupNorm with groups that divide small widths (see :func:`.configs.norm_groups`)."""
    return nn.GroupNorm(norm_groups(channels), channels)


def zero_module(module: nn.Module) -> nn.Module:
    """Zero a module's parameters so a residual branch starts as the identity."""
    for parameter in module.parameters():
        nn.init.zeros_(parameter)
    return module


class ResBlock(nn.Module):
    """Pre-activation residual block; an embedding (if any) modulates its second normalisation.

    Parameters
    ----------
    emb_dim
        Width of the FiLM embedding (timestep, sentence vector, latent); 0 for a plain block.
    """

    def __init__(self, in_ch: int, out_ch: int, emb_dim: int = 0, dropout: float = 0.0) -> None:
        super().__init__()
        self.norm1 = group_norm(in_ch)
        self.conv1 = nn.Conv2d(in_ch, out_ch, 3, padding=1)
        self.film = nn.Linear(emb_dim, 2 * out_ch) if emb_dim else None
        self.norm2 = group_norm(out_ch)
        self.dropout = nn.Dropout(dropout)
        self.conv2 = zero_module(nn.Conv2d(out_ch, out_ch, 3, padding=1))
        self.skip = nn.Identity() if in_ch == out_ch else nn.Conv2d(in_ch, out_ch, 1)

    def forward(self, x: torch.Tensor, emb: torch.Tensor | None = None) -> torch.Tensor:
        h = self.norm2(self.conv1(F.silu(self.norm1(x))))
        if self.film is not None and emb is not None:
            scale, shift = self.film(F.silu(emb))[:, :, None, None].chunk(2, dim=1)
            h = h * (1 + scale) + shift
        h = self.conv2(self.dropout(F.silu(h)))
        return self.skip(x) + h


class Attention2d(nn.Module):
    """Multi-head attention from a feature map to a context (cross) or to itself (self).

    Parameters
    ----------
    context_dim
        Width of the context tokens; ``None`` makes it self-attention over the pixels.
    """

    def __init__(self, channels: int, heads: int, context_dim: int | None = None) -> None:
        super().__init__()
        self.heads = heads
        self.norm = group_norm(channels)
        self.to_q = nn.Linear(channels, channels)
        self.to_kv = nn.Linear(context_dim or channels, 2 * channels)
        self.to_out = zero_module(nn.Linear(channels, channels))

    def forward(
        self,
        x: torch.Tensor,
        context: torch.Tensor | None = None,
        mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        b, c, h, w = x.shape
        pixels = self.norm(x).flatten(2).transpose(1, 2)
        q = self.to_q(pixels)
        k, v = self.to_kv(pixels if context is None else context).chunk(2, dim=-1)
        attn_mask = None if mask is None else mask[:, None, None, :]
        out = F.scaled_dot_product_attention(
            self._heads(q), self._heads(k), self._heads(v), attn_mask=attn_mask
        )
        out = out.transpose(1, 2).reshape(b, h * w, c)
        return x + self.to_out(out).transpose(1, 2).reshape(b, c, h, w)

    def _heads(self, t: torch.Tensor) -> torch.Tensor:
        b, n, c = t.shape
        return t.view(b, n, self.heads, c // self.heads).transpose(1, 2)


def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    """Sinusoidal embedding of (possibly fractional) timesteps, ``(B,) -> (B, dim)``."""
    half = dim // 2
    freqs = torch.exp(
        -math.log(max_period) * torch.arange(half, dtype=torch.float32, device=t.device) / half
    )
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class Upsample(nn.Module):
    """Nearest 2x upsampling followed by a 3x3 convolution (no checkerboard artefacts)."""

    def __init__(self, in_ch: int, out_ch: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_ch, out_ch, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class Downsample(nn.Module):
    """Strided 3x3 convolution halving the resolution."""

    def __init__(self, in_ch: int, out_ch: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_ch, out_ch, 3, stride=2, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)
