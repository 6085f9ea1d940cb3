"""Training the built-in conditional GAN: hinge loss, projection discriminator, EMA generator.

The discriminator scores (image, caption) pairs: an unconditional score plus the inner product
of its image features with a projection of the caption (Miyato and Koyama, 2018). Real images
shown with another image's caption count as fakes too (the matching-aware loss of Reed et al.,
2016), which is what teaches the generator to follow colour and object words. Every image the
discriminator sees goes through DiffAugment; its layers are spectrally normalised.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812  (the PyTorch idiom)
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from studio.engine.builtin.gan import SpriteGAN
from studio.engine.builtin.text_encoder import EMBED_DIM, TextEmbedding
from studio.train.augment import diff_augment
from studio.train.batches import Batch, TrainingData
from studio.train.ema import EMA
from studio.train.recipes import Recipe
from studio.train.trainer import FamilyTrainer, make_adamw, set_lr


class _DownBlock(nn.Module):
    """Residual block that halves the resolution (BigGAN's discriminator block, without BN)."""

    def __init__(self, in_ch: int, out_ch: int, first: bool = False) -> None:
        super().__init__()
        self.first = first
        self.conv1 = spectral_norm(nn.Conv2d(in_ch, out_ch, 3, padding=1))
        self.conv2 = spectral_norm(nn.Conv2d(out_ch, out_ch, 3, padding=1))
        self.skip = spectral_norm(nn.Conv2d(in_ch, out_ch, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x if self.first else F.leaky_relu(x, 0.2)
        h = self.conv2(F.leaky_relu(self.conv1(h), 0.2))
        return F.avg_pool2d(h, 2) + F.avg_pool2d(self.skip(x), 2)


class ProjectionDiscriminator(nn.Module):
    """Scores how real an RGBA sprite looks and how well it matches a caption.

    Parameters
    ----------
    sample_size
        Side of the images; blocks halve it down to 4 px.
    width
        Channels of the first block; doubled at every following block (capped at 8x).
    """

    def __init__(self, sample_size: int, width: int) -> None:
        super().__init__()
        blocks: list[nn.Module] = []
        in_ch, side = 4, sample_size
        out_ch = width
        while side > 4:
            blocks.append(_DownBlock(in_ch, out_ch, first=not blocks))
            in_ch, out_ch, side = out_ch, min(out_ch * 2, width * 8), side // 2
        self.blocks = nn.Sequential(*blocks)
        self.final = spectral_norm(nn.Conv2d(in_ch, in_ch, 3, padding=1))
        self.score = spectral_norm(nn.Linear(in_ch, 1))
        self.text_proj = spectral_norm(nn.Linear(EMBED_DIM, in_ch))

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """Pooled image features ``(B, C)``; the caption only enters in :meth:`score_pairs`."""
        h = F.leaky_relu(self.final(F.leaky_relu(self.blocks(images), 0.2)), 0.2)
        return h.sum(dim=(2, 3))

    def score_pairs(self, features: torch.Tensor, pooled_text: torch.Tensor) -> torch.Tensor:
        """Realism plus image-caption agreement, ``(B,)``."""
        projection = (self.text_proj(pooled_text) * features).sum(dim=1, keepdim=True)
        return (self.score(features) + projection).squeeze(1)

    def forward(self, images: torch.Tensor, pooled_text: torch.Tensor) -> torch.Tensor:
        return self.score_pairs(self.features(images), pooled_text)


class GANTrainer(FamilyTrainer):
    """Alternates one discriminator and one generator step; ships the EMA generator."""

    family = "gan"
    stateful_names = ("model", "ema", "discriminator", "g_optimizer", "d_optimizer")

    def __init__(self, recipe: Recipe, data: TrainingData, device: torch.device | str) -> None:
        super().__init__(recipe, data, device)
        config = recipe.config
        self.model = SpriteGAN(config).to(self.device).train()
        self.ema = EMA(self.model, recipe.ema_decay)
        width = int(recipe.options.get("d_width", 64))
        self.discriminator = ProjectionDiscriminator(config.sample_size, width).to(self.device)
        self.g_optimizer = make_adamw(self.model.parameters(), recipe.lr, betas=(0.0, 0.99))
        self.d_lr = float(recipe.options.get("d_lr", recipe.lr))
        self.d_optimizer = make_adamw(self.discriminator.parameters(), self.d_lr, (0.0, 0.99))
        self.mismatch_weight = float(recipe.options.get("mismatch_weight", 0.5))
        self.mode_seeking_weight = float(recipe.options.get("mode_seeking_weight", 0.0))

    def train_step(self, batch: Batch, progress: float) -> dict[str, float]:
        factor = self.lr_factor(progress)
        set_lr(self.g_optimizer, self.recipe.lr * factor)
        set_lr(self.d_optimizer, self.d_lr * factor)
        d_logs = self._discriminator_step(batch)
        g_logs = self._generator_step(batch)
        self.step += 1
        self.ema.update(self.model, self.step)
        return {**g_logs, **d_logs}

    def _fake(self, text: TextEmbedding) -> torch.Tensor:
        z = torch.randn(text.pooled.shape[0], self.recipe.config.latent_dim, device=self.device)
        return self.model(z, self.model.text(text))

    def _discriminator_step(self, batch: Batch) -> dict[str, float]:
        pooled = batch.text.pooled
        with torch.no_grad():
            fake = self._fake(batch.text)
        real_features = self.discriminator.features(diff_augment(batch.images))
        real_scores = self.discriminator.score_pairs(real_features, pooled)
        fake_scores = self.discriminator(diff_augment(fake), pooled)
        loss = F.relu(1 - real_scores).mean() + F.relu(1 + fake_scores).mean()
        if self.mismatch_weight > 0 and len(batch) > 1:
            # Captions rolled by one: every real image now carries another image's caption.
            wrong = self.discriminator.score_pairs(real_features, pooled.roll(1, dims=0))
            loss = loss + self.mismatch_weight * F.relu(1 + wrong).mean()
        self.d_optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.d_optimizer.step()
        return {"d_loss": float(loss.detach()), "d_real": float(real_scores.detach().mean())}

    def _generator_step(self, batch: Batch) -> dict[str, float]:
        self.discriminator.requires_grad_(False)
        text = batch.text
        logs: dict[str, float] = {}
        if self.mode_seeking_weight > 0 and len(batch) > 1:
            # Mode seeking (Mao et al., 2019): the first half of the captions twice, with
            # different noise; the generator is paid for images that differ as the noise does.
            # Without it the generator ignores z and gives every seed the same sprite.
            half = len(batch) // 2
            rows = torch.cat([torch.arange(half), torch.arange(half)])
            text = TextEmbedding(text.pooled[rows], text.tokens[rows], text.mask[rows])
        z = torch.randn(text.pooled.shape[0], self.recipe.config.latent_dim, device=self.device)
        fake = self.model(z, self.model.text(text))
        loss = -self.discriminator(diff_augment(fake), text.pooled).mean()
        if text is not batch.text:
            half = fake.shape[0] // 2
            image_gap = (fake[:half] - fake[half:]).abs().mean(dim=(1, 2, 3))
            noise_gap = (z[:half] - z[half:]).abs().mean(dim=1)
            ratio = (image_gap / noise_gap).mean()
            loss = loss + self.mode_seeking_weight / (ratio + 1e-5)
            logs["seed_gap"] = float(ratio.detach())
        self.g_optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.g_optimizer.step()
        self.discriminator.requires_grad_(True)
        return {"loss": float(loss.detach()), **logs}

    def sampling_model(self) -> SpriteGAN:
        return self.ema.model
