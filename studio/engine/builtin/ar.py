"""The built-in autoregressive family: a causal transformer over VQ tokens, reading the prompt.

Image tokens come from :mod:`studio.engine.builtin.vq` in raster order. The sequence starts with
the projected sentence vector; every layer cross-attends to the prompt's token states.
Classifier-free guidance mixes the logits of the prompt and of the null prompt (trained with
prompt dropout); nucleus sampling then draws each token from the seeded generator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812  (the PyTorch idiom)
from torch import nn

from studio.engine.builtin.generation import (
    SampleSettings,
    SamplingResult,
    guided,
)
from studio.engine.builtin.layers import Conditioning, TextConditioner
from studio.engine.builtin.pretrained import BuiltinModel, Draw
from studio.engine.builtin.vq import VQAutoencoder, VQConfig


@dataclass(frozen=True)
class ARConfig:
    """Tokenizer and transformer of :class:`SpriteAR` plus its sampling defaults."""

    vq: VQConfig = field(default_factory=VQConfig)
    d_model: int = 256
    layers: int = 6
    heads: int = 4
    mlp_ratio: int = 4
    dropout: float = 0.0
    temperature: float = 1.0
    top_p: float = 0.95


class _Attention(nn.Module):
    """Self-attention (causal, with a key/value cache for sampling) or cross-attention."""

    def __init__(self, d_model: int, heads: int, cross: bool) -> None:
        super().__init__()
        self.heads = heads
        self.cross = cross
        self.to_q = nn.Linear(d_model, d_model)
        self.to_kv = nn.Linear(d_model, 2 * d_model)
        self.to_out = nn.Linear(d_model, d_model)

    def forward(
        self,
        x: torch.Tensor,
        context: torch.Tensor | None = None,
        mask: torch.Tensor | None = None,
        cache: dict[str, torch.Tensor] | None = None,
    ) -> torch.Tensor:
        q = self._split(self.to_q(x))
        if self.cross:
            k, v = self._cross_kv(context, cache)
            attn_mask = None if mask is None else mask[:, None, None, :]
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask)
        else:
            k, v = (self._split(t) for t in self.to_kv(x).chunk(2, dim=-1))
            if cache is not None and "k" in cache:
                k, v = torch.cat([cache["k"], k], dim=2), torch.cat([cache["v"], v], dim=2)
            if cache is not None:
                cache["k"], cache["v"] = k, v
            # With a cache the query is the newest position and may see every cached key.
            out = F.scaled_dot_product_attention(q, k, v, is_causal=cache is None)
        b, _, n, _ = out.shape
        return self.to_out(out.transpose(1, 2).reshape(b, n, -1))

    def _cross_kv(
        self, context: torch.Tensor | None, cache: dict[str, torch.Tensor] | None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        if cache is not None and "k" in cache:
            return cache["k"], cache["v"]
        assert context is not None
        k, v = (self._split(t) for t in self.to_kv(context).chunk(2, dim=-1))
        if cache is not None:
            cache["k"], cache["v"] = k, v
        return k, v

    def _split(self, t: torch.Tensor) -> torch.Tensor:
        b, n, d = t.shape
        return t.view(b, n, self.heads, d // self.heads).transpose(1, 2)


class _Block(nn.Module):
    def __init__(self, config: ARConfig) -> None:
        super().__init__()
        d = config.d_model
        self.norm1 = nn.LayerNorm(d)
        self.self_attn = _Attention(d, config.heads, cross=False)
        self.norm2 = nn.LayerNorm(d)
        self.cross_attn = _Attention(d, config.heads, cross=True)
        self.norm3 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(
            nn.Linear(d, config.mlp_ratio * d),
            nn.GELU(),
            nn.Linear(config.mlp_ratio * d, d),
            nn.Dropout(config.dropout),
        )

    def forward(self, x: torch.Tensor, cond: Conditioning, cache: dict | None) -> torch.Tensor:
        x = x + self.self_attn(self.norm1(x), cache=None if cache is None else cache["self"])
        x = x + self.cross_attn(
            self.norm2(x), cond.context, cond.mask, None if cache is None else cache["cross"]
        )
        return x + self.mlp(self.norm3(x))


class TokenTransformer(nn.Module):
    """Predicts the next image token given the previous ones and the prompt."""

    def __init__(self, config: ARConfig) -> None:
        super().__init__()
        self.config = config
        length = config.vq.grid_size**2
        self.token_emb = nn.Embedding(config.vq.codebook_size, config.d_model)
        self.pos_emb = nn.Parameter(torch.randn(1, length, config.d_model) * 0.02)
        self.start = nn.Linear(config.d_model, config.d_model)
        self.blocks = nn.ModuleList(_Block(config) for _ in range(config.layers))
        self.norm_out = nn.LayerNorm(config.d_model)
        self.head = nn.Linear(config.d_model, config.vq.codebook_size)

    def forward(self, tokens: torch.Tensor, cond: Conditioning) -> torch.Tensor:
        """Teacher-forced logits ``(B, N, V)`` for flattened ``tokens`` ``(B, N)``."""
        start = self.start(cond.vector)[:, None]
        x = torch.cat([start, self.token_emb(tokens[:, :-1])], dim=1) + self.pos_emb
        for block in self.blocks:
            x = block(x, cond, None)
        return self.head(self.norm_out(x))

    def new_cache(self) -> list[dict[str, dict[str, torch.Tensor]]]:
        return [{"self": {}, "cross": {}} for _ in self.blocks]

    def step(
        self, previous: torch.Tensor | None, position: int, cond: Conditioning, cache: list
    ) -> torch.Tensor:
        """Logits ``(B, V)`` of the token at ``position``; ``previous`` is the token before it."""
        if previous is None:
            x = self.start(cond.vector)[:, None]
        else:
            x = self.token_emb(previous)[:, None]
        x = x + self.pos_emb[:, position : position + 1]
        for block, block_cache in zip(self.blocks, cache, strict=True):
            x = block(x, cond, block_cache)
        return self.head(self.norm_out(x))[:, 0]


class SpriteAR(BuiltinModel, family="ar", config_class=ARConfig):
    """Text conditioner + VQ tokenizer + token transformer."""

    def __init__(self, config: ARConfig) -> None:
        super().__init__(config)
        self.text = TextConditioner(config.d_model, config.d_model)
        self.vq = VQAutoencoder(config.vq)
        self.prior = TokenTransformer(config)

    @property
    def sample_size(self) -> int:
        return int(self.config.vq.sample_size)

    def count_steps(self, settings: SampleSettings) -> int:
        """One progress step per row of tokens."""
        return self.config.vq.grid_size

    def _sample(self, draw: Draw) -> SamplingResult:
        """Sample the token grid in raster order (guided if ``cfg_scale != 1``) and decode it."""
        cond, generator, settings, on_step = draw.cond, draw.generator, draw.settings, draw.on_step
        grid = self.config.vq.grid_size
        guidance = settings.cfg_scale != 1.0
        rows = cond if guidance else cond.first()
        cache = self.prior.new_cache()
        tokens = torch.zeros(grid * grid, dtype=torch.long, device=rows.vector.device)
        previous: torch.Tensor | None = None
        for position in range(grid * grid):
            logits = self.prior.step(previous, position, rows, cache).float()
            if guidance:
                logits = guided(logits[:1], logits[1:], settings.cfg_scale)
            token = self._draw(logits[0], generator)
            tokens[position] = token
            previous = token.expand(rows.vector.shape[0])
            row_done = (position + 1) % grid == 0
            if on_step is not None and row_done:
                row = (position + 1) // grid
                on_step(row, grid, self._partial_image(tokens, row))
        image = self.vq.decode_indices(tokens.view(1, grid, grid))
        return SamplingResult(image.clamp(-1.0, 1.0), self._info(settings))

    def _draw(self, logits: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        probs = F.softmax(logits / max(self.config.temperature, 1e-4), dim=-1).cpu()
        probs = nucleus(probs, self.config.top_p)
        return torch.multinomial(probs, 1, generator=generator)[0].to(logits.device)

    def _partial_image(self, tokens: torch.Tensor, rows_done: int) -> torch.Tensor:
        grid = self.config.vq.grid_size
        image = self.vq.decode_indices(tokens.view(1, grid, grid))
        cut = rows_done * image.shape[-1] // grid
        image[..., cut:, :] = -1.0  # rows not sampled yet show as transparent
        return image

    def _info(self, settings: SampleSettings) -> dict[str, Any]:
        return {
            "family": "ar",
            "cfg_scale": settings.cfg_scale,
            "temperature": self.config.temperature,
            "top_p": self.config.top_p,
            "tokens": self.config.vq.grid_size**2,
            "native_size": self.config.vq.sample_size,
        }


def nucleus(probs: torch.Tensor, top_p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose mass reaches ``top_p``; renormalise."""
    if top_p >= 1.0:
        return probs
    sorted_probs, order = probs.sort(descending=True)
    keep = sorted_probs.cumsum(0) - sorted_probs < top_p
    filtered = torch.zeros_like(probs).scatter(0, order[keep], sorted_probs[keep])
    return filtered / filtered.sum()
