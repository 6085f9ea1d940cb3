"""Training the built-in conditional VAE.

Loss per image: L1 reconstruction of premultiplied RGBA, a perceptual term on early
EfficientNet-Lite0 features (sharper edges than pixel losses alone), and the KL divergence from
the posterior q(z | image, text) to the learned prior p(z | text). The KL weight ramps up from
zero over the first part of the budget so the decoder learns to use z before the prior pulls it
in (Bowman et al., 2016).

With the ``prior_colour_weight`` option, part of each batch is also decoded from a latent
drawn from the prior (as sampling does) and its colour histogram is pulled toward the real
image's (:mod:`studio.train.colour_loss`): the reconstruction alone teaches colour only through
the posterior, which has seen the picture.

A model with a reference path (``VAEConfig.reference_channels`` > 0, the retrieval-augmented
decoder of :mod:`studio.engine.builtin.reference`) trains on pairs from
:class:`~studio.train.reference_pairs.ReferencePicker`, and with ``prior_l1_weight`` also
reconstructs each image from a *prior* latent and its reference: sampling has no posterior, so
this is the term that teaches the decoder to take the shape from the reference.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import torch

from studio.engine.builtin.layers import Conditioning
from studio.engine.builtin.vae import SpriteVAE
from studio.train.batches import Batch, TrainingData
from studio.train.colour_loss import colour_match_loss
from studio.train.ema import EMA
from studio.train.perceptual import PerceptualTerm
from studio.train.recipes import Recipe
from studio.train.reference_pairs import ReferencePicker
from studio.train.trainer import FamilyTrainer, make_adamw, set_lr


def gaussian_kl(
    mean_q: torch.Tensor, logvar_q: torch.Tensor, mean_p: torch.Tensor, logvar_p: torch.Tensor
) -> torch.Tensor:
    """KL(N(mean_q, var_q) || N(mean_p, var_p)) summed over the latent, per sample."""
    kl = 0.5 * (
        logvar_p - logvar_q + (logvar_q.exp() + (mean_q - mean_p).pow(2)) / logvar_p.exp() - 1.0
    )
    return kl.sum(dim=1)


def crisp_alpha_loss(images: torch.Tensor) -> torch.Tensor:
    """Mean of ``4 a (1 - a)`` over the alpha channel: 0 where alpha is 0 or 1, 1 at one half.

    Sprites go onto game backgrounds; semi-transparent pixels are a halo there. Premultiplied
    colour keeps the edges themselves clean, this term pushes alpha to a decision.
    """
    alpha = ((images[:, 3] + 1.0) / 2.0).clamp(0.0, 1.0)
    return (4.0 * alpha * (1.0 - alpha)).mean()


class VAETrainer(FamilyTrainer):
    """Trains :class:`SpriteVAE` with an EMA copy for sampling."""

    family = "vae"
    stateful_names = ("model", "ema", "optimizer")

    def __init__(self, recipe: Recipe, data: TrainingData, device: torch.device | str) -> None:
        super().__init__(recipe, data, device)
        self.model = SpriteVAE(recipe.config).to(self.device).train()
        self.ema = EMA(self.model, recipe.ema_decay)
        self.optimizer = make_adamw(self.model.parameters(), recipe.lr)
        self.alpha_weight = float(recipe.options.get("alpha_weight", 0.0))
        self.prior_colour_weight = float(recipe.options.get("prior_colour_weight", 0.0))
        self.prior_colour_share = float(recipe.options.get("prior_colour_share", 0.5))
        weight = float(recipe.options.get("perceptual_weight", 0.0))
        self.perceptual = PerceptualTerm(weight, self.device)
        self.prior_l1_weight = float(recipe.options.get("prior_l1_weight", 0.0))
        self.references = (
            ReferencePicker(data.items, float(recipe.options.get("empty_reference_share", 0.1)))
            if recipe.config.reference_channels > 0
            else None
        )
        self.reference_generator = torch.Generator().manual_seed(1234)

    def train_step(self, batch: Batch, progress: float) -> dict[str, float]:
        set_lr(self.optimizer, self.recipe.lr * self.lr_factor(progress))
        x = batch.images
        cond = self.model.text(batch.text, drop=self.drop_mask(x.shape[0]))
        if self.references is not None:
            x, cond = self._with_references(batch, x, cond)
        mean_q, logvar_q = self.model.encode(x, cond)
        z = mean_q + (0.5 * logvar_q).exp() * torch.randn_like(mean_q)
        reconstruction = self.model.decode(z, cond)
        mean_p, logvar_p = self.model.prior(cond)
        l1 = (reconstruction - x).abs().mean()
        # Per pixel-channel scale, like the L1 term, so the KL weight reads as a ratio.
        kl = gaussian_kl(mean_q, logvar_q, mean_p, logvar_p).mean() / x[0].numel()
        loss = l1 + self._kl_weight(progress) * kl
        logs = {"l1": float(l1.detach()), "kl": float(kl.detach())}
        if self.alpha_weight > 0:
            crisp = crisp_alpha_loss(reconstruction)
            loss = loss + self.alpha_weight * crisp
            logs["alpha"] = float(crisp.detach())
        if self.prior_colour_weight > 0 or self.prior_l1_weight > 0:
            rows, from_prior = self._decode_from_prior(x, cond, mean_p, logvar_p)
            if self.prior_colour_weight > 0:
                colour = colour_match_loss(from_prior, x[:rows])
                loss = loss + self.prior_colour_weight * colour
                logs["prior_colour"] = float(colour.detach())
            if self.prior_l1_weight > 0:
                prior_l1 = (from_prior - x[:rows]).abs().mean()
                loss = loss + self.prior_l1_weight * prior_l1
                logs["prior_l1"] = float(prior_l1.detach())
        loss = self.perceptual.add(loss, logs, reconstruction, x)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.optimizer.step()
        self.step += 1
        self.ema.update(self.model, self.step)
        return {"loss": float(loss.detach()), **logs}

    def _decode_from_prior(
        self,
        x: torch.Tensor,
        cond: Conditioning,
        mean_p: torch.Tensor,
        logvar_p: torch.Tensor,
    ) -> tuple[int, torch.Tensor]:
        # Decode the first rows from the prior at the sampling temperature, as generate() does.
        rows = max(1, round(self.prior_colour_share * x.shape[0]))
        noise = torch.randn_like(mean_p[:rows]) * self.model.config.temperature
        z = mean_p[:rows] + (0.5 * logvar_p[:rows]).exp() * noise
        reference = None if cond.reference is None else cond.reference[:rows]
        part = Conditioning(cond.context[:rows], cond.mask[:rows], cond.vector[:rows], reference)
        return rows, self.model.decode(z, part)

    def _with_references(
        self, batch: Batch, x: torch.Tensor, cond: Conditioning
    ) -> tuple[torch.Tensor, Conditioning]:
        # One horizontal flip for an image and its reference together: the model must follow
        # the reference's pose, not learn to undo a flip it cannot see.
        assert self.references is not None
        picks = self.references.pick(batch.indices, self.reference_generator)
        reference = self.data.reference_images(picks, self.device)
        flip = torch.rand(x.shape[0], generator=self.reference_generator) < 0.5
        flip = flip.to(x.device)[:, None, None, None]
        x = torch.where(flip, x.flip(-1), x)
        reference = torch.where(flip, reference.flip(-1), reference)
        return x, replace(cond, reference=reference)

    def extra_state(self) -> dict[str, Any]:
        # The reference picks and flips draw from their own generator: a resumed run must
        # continue its sequence to reach the same weights as an uninterrupted one.
        return {"reference_rng": self.reference_generator.get_state()}

    def load_extra_state(self, state: dict[str, Any]) -> None:
        if "reference_rng" in state:
            self.reference_generator.set_state(state["reference_rng"])

    def _kl_weight(self, progress: float) -> float:
        target = float(self.recipe.options.get("kl_weight", 0.5))
        warmup = float(self.recipe.options.get("kl_warmup", 0.2))
        return target * min(1.0, progress / warmup) if warmup > 0 else target

    def sampling_model(self) -> SpriteVAE:
        return self.ema.model
