"""The built-in conditional GAN's generator (its discriminator lives with the training code).

The shipped weights are the exponential moving average of the trained generator, which gives
smoother, more faithful samples than the raw weights (Karras et al., 2018).
"""

from __future__ import annotations

import torch

from studio.engine.builtin.configs import GANConfig
from studio.engine.builtin.decoder import SpriteDecoder
from studio.engine.builtin.generation import (
    SamplingResult,
    decode_in_two_steps,
    draw_noise,
)
from studio.engine.builtin.layers import Conditioning, TextConditioner
from studio.engine.builtin.pretrained import BuiltinModel, Draw


class SpriteGAN(BuiltinModel, family="gan", config_class=GANConfig):
    """Text conditioner + generator of the conditional GAN (two steps: latent, generator)."""

    def __init__(self, config: GANConfig) -> None:
        super().__init__(config)
        self.text = TextConditioner(config.context_dim, config.emb_dim)
        self.generator = SpriteDecoder.from_config(config, config.latent_dim, tanh=True)

    def forward(self, z: torch.Tensor, cond: Conditioning) -> torch.Tensor:
        return self.generator(z, cond)

    def _sample(self, draw: Draw) -> SamplingResult:
        """One image for the prompt row; the seed picks the latent."""
        prompt = draw.cond.first()
        device = prompt.vector.device
        z = draw_noise((1, self.config.latent_dim), draw.generator, draw.settings).to(device)
        z = z * self.config.truncation
        info = {
            "family": "gan",
            "truncation": self.config.truncation,
            "native_size": self.config.sample_size,
        }
        return decode_in_two_steps(self.generator, z, prompt, draw.on_step, info)
