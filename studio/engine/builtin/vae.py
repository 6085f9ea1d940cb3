"""The built-in conditional VAE: q(z | image, text), prior p(z | text), decoder p(image | z, text).

The prior is learned and conditioned on the prompt (a conditional VAE in the sense of Sohn et
al., 2015), so sampling draws z from what the prompt makes likely instead of from a fixed
standard normal, and the decoder reads the prompt again through FiLM and cross-attention.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812  (the PyTorch idiom)
from torch import nn

from studio.engine.builtin.configs import VAEConfig
from studio.engine.builtin.decoder import SpriteDecoder
from studio.engine.builtin.generation import (
    SamplingResult,
    decode_in_two_steps,
    draw_noise,
)
from studio.engine.builtin.layers import (
    Conditioning,
    Downsample,
    ResBlock,
    TextConditioner,
    group_norm,
)
from studio.engine.builtin.pretrained import BuiltinModel, Draw

LOGVAR_RANGE = (-8.0, 4.0)


class _Encoder(nn.Module):
    def __init__(self, config: VAEConfig) -> None:
        super().__init__()
        widths = tuple(reversed(config.channels))
        base = config.sample_size // 2 ** (len(widths) - 1)
        self.conv_in = nn.Conv2d(4, widths[0], 3, padding=1)
        self.blocks = nn.ModuleList(ResBlock(w, w, config.emb_dim) for w in widths)
        self.downs = nn.ModuleList(
            Downsample(widths[i], widths[i + 1]) for i in range(len(widths) - 1)
        )
        self.norm = group_norm(widths[-1])
        self.to_stats = nn.Linear(widths[-1] * base**2, 2 * config.latent_dim)

    def forward(self, x: torch.Tensor, cond: Conditioning) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.conv_in(x)
        for index, block in enumerate(self.blocks):
            h = block(h, cond.vector)
            if index < len(self.downs):
                h = self.downs[index](h)
        mean, logvar = self.to_stats(F.silu(self.norm(h)).flatten(1)).chunk(2, dim=1)
        return mean, logvar.clamp(*LOGVAR_RANGE)


class _Prior(nn.Module):
    """p(z | text): pools the prompt tokens by attention, adds the sentence vector -> a Gaussian."""

    def __init__(self, config: VAEConfig) -> None:
        super().__init__()
        self.query = nn.Parameter(torch.randn(1, 1, config.context_dim) * 0.02)
        self.mlp = nn.Sequential(
            nn.Linear(config.context_dim + config.emb_dim, config.emb_dim),
            nn.SiLU(),
            nn.Linear(config.emb_dim, config.emb_dim),
            nn.SiLU(),
            nn.Linear(config.emb_dim, 2 * config.latent_dim),
        )

    def forward(self, cond: Conditioning) -> tuple[torch.Tensor, torch.Tensor]:
        query = self.query.expand(cond.context.shape[0], -1, -1)
        pooled = F.scaled_dot_product_attention(
            query, cond.context, cond.context, attn_mask=cond.mask[:, None, :]
        ).squeeze(1)
        mean, logvar = self.mlp(torch.cat([pooled, cond.vector], dim=1)).chunk(2, dim=1)
        return mean, logvar.clamp(*LOGVAR_RANGE)


class SpriteVAE(BuiltinModel, family="vae", config_class=VAEConfig):
    """Conditional VAE on premultiplied RGBA sprites (two steps: z from the prior, decode)."""

    def __init__(self, config: VAEConfig) -> None:
        super().__init__(config)
        self.text = TextConditioner(config.context_dim, config.emb_dim)
        self.encoder = _Encoder(config)
        self.prior = _Prior(config)
        self.decoder = SpriteDecoder.from_config(config, config.latent_dim)

    def encode(self, x: torch.Tensor, cond: Conditioning) -> tuple[torch.Tensor, torch.Tensor]:
        """Posterior mean and log-variance of q(z | image, text)."""
        return self.encoder(x, cond)

    def decode(self, z: torch.Tensor, cond: Conditioning) -> torch.Tensor:
        return self.decoder(z, cond)

    def _sample(self, draw: Draw) -> SamplingResult:
        """Sample z from p(z | prompt) at the configured temperature and decode it."""
        prompt = draw.cond.first()
        mean, logvar = self.prior(prompt)
        noise = draw_noise(tuple(mean.shape), draw.generator, draw.settings)
        noise = noise.to(mean.device, mean.dtype)
        z = mean + (0.5 * logvar).exp() * noise * self.config.temperature
        info = {
            "family": "vae",
            "temperature": self.config.temperature,
            "native_size": self.config.sample_size,
        }
        return decode_in_two_steps(self.decode, z, prompt, draw.on_step, info)
