"""A small VQ autoencoder that turns a sprite into a grid of discrete tokens and back.

The autoregressive family models these tokens. Codes are looked up by cosine similarity
(l2-normalised encoder outputs and codebook, as in ViT-VQGAN), which keeps far more of a small
codebook in use than plain Euclidean lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F  # noqa: N812  (the PyTorch idiom)
from torch import nn

from studio.engine.builtin.layers import Downsample, ResBlock, Upsample, group_norm


@dataclass(frozen=True)
class VQConfig:
    """``channels`` per resolution from full size down; tokens form a ``grid_size`` square."""

    sample_size: int = 32
    channels: tuple[int, ...] = (64, 128, 128)
    codebook_size: int = 512
    code_dim: int = 32

    @property
    def grid_size(self) -> int:
        return self.sample_size // 2 ** (len(self.channels) - 1)


class VectorQuantizer(nn.Module):
    """Nearest-code lookup by cosine similarity with a straight-through gradient."""

    def __init__(self, codebook_size: int, code_dim: int) -> None:
        super().__init__()
        self.codebook = nn.Embedding(codebook_size, code_dim)
        nn.init.normal_(self.codebook.weight)

    def codes(self) -> torch.Tensor:
        return F.normalize(self.codebook.weight, dim=1)

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Quantize ``(B, D, H, W)``.

        Returns
        -------
        tuple
            ``(quantized with straight-through gradient, indices (B, H, W), vq loss)`` where the
            loss is the codebook term plus a 0.25-weighted commitment term.
        """
        z = F.normalize(z, dim=1)
        b, d, h, w = z.shape
        flat = z.permute(0, 2, 3, 1).reshape(-1, d)
        indices = (flat @ self.codes().t()).argmax(dim=1)
        quantized = self.lookup(indices.view(b, h, w))
        loss = F.mse_loss(quantized, z.detach()) + 0.25 * F.mse_loss(z, quantized.detach())
        return z + (quantized - z).detach(), indices.view(b, h, w), loss

    def lookup(self, indices: torch.Tensor) -> torch.Tensor:
        """``(B, H, W)`` code indices -> ``(B, D, H, W)`` normalised code vectors."""
        return self.codes()[indices].permute(0, 3, 1, 2)


class VQAutoencoder(nn.Module):
    """Encoder, quantizer and decoder of premultiplied RGBA sprites (no text: a pure tokenizer)."""

    def __init__(self, config: VQConfig) -> None:
        super().__init__()
        self.config = config
        ch = config.channels
        self.enc_in = nn.Conv2d(4, ch[0], 3, padding=1)
        self.enc_blocks = nn.ModuleList(ResBlock(c, c) for c in ch)
        self.enc_downs = nn.ModuleList(Downsample(ch[i], ch[i + 1]) for i in range(len(ch) - 1))
        self.enc_mid = ResBlock(ch[-1], ch[-1])
        self.enc_out = nn.Sequential(
            group_norm(ch[-1]), nn.SiLU(), nn.Conv2d(ch[-1], config.code_dim, 1)
        )
        self.quantizer = VectorQuantizer(config.codebook_size, config.code_dim)
        self.dec_in = nn.Conv2d(config.code_dim, ch[-1], 3, padding=1)
        self.dec_mid = ResBlock(ch[-1], ch[-1])
        self.dec_blocks = nn.ModuleList(ResBlock(c, c) for c in reversed(ch))
        self.dec_ups = nn.ModuleList(
            Upsample(ch[i + 1], ch[i]) for i in reversed(range(len(ch) - 1))
        )
        self.dec_out = nn.Sequential(
            group_norm(ch[0]), nn.SiLU(), nn.Conv2d(ch[0], 4, 3, padding=1)
        )

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Continuous (pre-quantization) codes ``(B, D, g, g)``."""
        h = self.enc_in(x)
        for index, block in enumerate(self.enc_blocks):
            h = block(h)
            if index < len(self.enc_downs):
                h = self.enc_downs[index](h)
        return self.enc_out(self.enc_mid(h))

    def decode(self, codes: torch.Tensor) -> torch.Tensor:
        """Quantized code vectors ``(B, D, g, g)`` -> images in model space."""
        h = self.dec_mid(self.dec_in(codes))
        for index, block in enumerate(self.dec_blocks):
            h = block(h)
            if index < len(self.dec_ups):
                h = self.dec_ups[index](h)
        return self.dec_out(h)

    def decode_indices(self, indices: torch.Tensor) -> torch.Tensor:
        """``(B, g, g)`` token indices -> images in model space."""
        return self.decode(self.quantizer.lookup(indices))

    def tokenize(self, x: torch.Tensor) -> torch.Tensor:
        """Images -> ``(B, g, g)`` token indices."""
        return self.quantizer(self.encode(x))[1]

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(reconstruction, indices, vq loss)``."""
        quantized, indices, loss = self.quantizer(self.encode(x))
        return self.decode(quantized), indices, loss
