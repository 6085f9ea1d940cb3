"""The conditional GAN: its discriminator learns within a few dozen steps; DiffAugment is safe."""

from __future__ import annotations

import statistics

import torch

from studio.train.augment import diff_augment


def test_gan_discriminator_loss_falls_and_generator_moves(model_loss_curve) -> None:
    logs = model_loss_curve("gan", steps=40)
    first = statistics.fmean(row["d_loss"] for row in logs[:5])
    last = statistics.fmean(row["d_loss"] for row in logs[-5:])
    assert last < first - 0.1
    assert all(torch.isfinite(torch.tensor(row["loss"])) for row in logs)


def test_diff_augment_keeps_transparency_transparent_and_passes_gradients() -> None:
    images = torch.full((8, 4, 16, 16), -1.0)  # fully transparent
    images[:, :, 4:12, 4:12] = 0.5
    images.requires_grad_(True)
    torch.manual_seed(0)
    out = diff_augment(images)
    assert out.shape == images.shape
    transparent = out[:, 3] <= -1.0 + 1e-6
    assert torch.allclose(
        out[:, :3][transparent.unsqueeze(1).expand(-1, 3, -1, -1)], torch.tensor(-1.0)
    )
    out.sum().backward()
    assert images.grad is not None and images.grad.abs().sum() > 0


def test_discriminator_scores_each_image_caption_pair() -> None:
    from studio.train.gan import ProjectionDiscriminator

    discriminator = ProjectionDiscriminator(sample_size=16, width=8)
    scores = discriminator(torch.randn(3, 4, 16, 16), torch.randn(3, 384))
    assert scores.shape == (3,)
