"""The conditional VAE learns the synthetic shapes: its loss falls within a few dozen steps."""

from __future__ import annotations

import statistics


def _mean(logs, key: str, part: slice) -> float:
    return statistics.fmean(row[key] for row in logs[part])


def test_vae_loss_falls(model_loss_curve) -> None:
    logs = model_loss_curve("vae", steps=40)
    assert _mean(logs, "loss", slice(-5, None)) < 0.8 * _mean(logs, "loss", slice(0, 5))
    assert _mean(logs, "l1", slice(-5, None)) < 0.8 * _mean(logs, "l1", slice(0, 5))
    assert all(row["kl"] >= 0 for row in logs)
    assert "prior_colour" not in logs[0]  # off unless the recipe option asks for it


def test_gaussian_kl_is_zero_for_equal_distributions_and_positive_otherwise() -> None:
    import torch

    from studio.train.vae import gaussian_kl

    mean, logvar = torch.randn(3, 4), torch.randn(3, 4)
    assert torch.allclose(gaussian_kl(mean, logvar, mean, logvar), torch.zeros(3), atol=1e-6)
    assert (gaussian_kl(mean, logvar, mean + 1, logvar) > 0).all()


def test_prior_colour_option_decodes_prior_samples_and_pulls_their_colour(
    model_training_data, model_single_thread
) -> None:
    from dataclasses import replace

    import torch

    from studio.train.recipes import get_recipe
    from studio.train.vae import VAETrainer

    recipe = get_recipe("vae", "tiny")
    recipe = replace(recipe, options={**recipe.options, "prior_colour_weight": 1.0})
    torch.manual_seed(0)
    trainer = VAETrainer(recipe, model_training_data, "cpu")
    generator = torch.Generator().manual_seed(0)
    logs = []
    for step in range(30):
        indices = model_training_data.sample_indices(recipe.batch_size, generator)
        logs.append(trainer.train_step(model_training_data.batch(indices), step / 30))
    assert _mean(logs, "prior_colour", slice(-5, None)) < _mean(logs, "prior_colour", slice(0, 5))
