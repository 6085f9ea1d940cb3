"""Training the built-in diffusion model: v-prediction with Min-SNR loss weighting.

Each step noises clean sprites to random timesteps of the model's cosine schedule and regresses
the velocity ``v = sqrt(a) * noise - sqrt(1 - a) * x0`` (Salimans and Ho, 2022). Min-SNR-gamma
weighting (Hang et al., 2023) keeps the nearly clean timesteps from dominating, which speeds up
convergence severalfold on a small budget. Ten percent of captions are dropped to the null
prompt so classifier-free guidance works at sampling time.
"""

from __future__ import annotations

import torch

from studio.engine.builtin.diffusion import SpriteDiffusion
from studio.engine.builtin.sampling import cosine_alphas_cumprod
from studio.train.batches import Batch, TrainingData
from studio.train.ema import EMA
from studio.train.recipes import Recipe
from studio.train.trainer import FamilyTrainer, make_adamw, set_lr


class DiffusionTrainer(FamilyTrainer):
    """Trains :class:`SpriteDiffusion` with an EMA copy for sampling."""

    family = "diffusion"
    stateful_names = ("model", "ema", "optimizer")

    def __init__(self, recipe: Recipe, data: TrainingData, device: torch.device | str) -> None:
        super().__init__(recipe, data, device)
        config = recipe.config
        self.model = SpriteDiffusion(config).to(self.device).train()
        self.ema = EMA(self.model, recipe.ema_decay)
        self.optimizer = make_adamw(self.model.parameters(), recipe.lr)
        self.alphas_cumprod = cosine_alphas_cumprod(
            config.num_train_timesteps, config.sigma_max
        ).to(self.device, torch.float32)
        self.gamma = float(recipe.options.get("min_snr_gamma", 5.0))

    def train_step(self, batch: Batch, progress: float) -> dict[str, float]:
        set_lr(self.optimizer, self.recipe.lr * self.lr_factor(progress))
        x0 = batch.images
        b = x0.shape[0]
        t = torch.randint(0, self.recipe.config.num_train_timesteps, (b,), device=self.device)
        noise = torch.randn_like(x0)
        alpha_bar = self.alphas_cumprod[t].view(b, 1, 1, 1)
        a, s = alpha_bar.sqrt(), (1 - alpha_bar).sqrt()
        noisy = a * x0 + s * noise
        target = (
            a * noise - s * x0 if self.recipe.config.prediction_type == "v_prediction" else noise
        )
        cond = self.model.text(batch.text, drop=self.drop_mask(b))
        prediction = self.model(noisy, t, cond)
        per_sample = (prediction - target).pow(2).mean(dim=(1, 2, 3))
        loss = (per_sample * self._weights(alpha_bar.view(b))).mean()
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.optimizer.step()
        self.step += 1
        self.ema.update(self.model, self.step)
        return {"loss": float(loss.detach()), "grad": float(grad_norm)}

    def _weights(self, alpha_bar: torch.Tensor) -> torch.Tensor:
        snr = alpha_bar / (1 - alpha_bar)
        clipped = snr.clamp(max=self.gamma)
        if self.recipe.config.prediction_type == "v_prediction":
            return clipped / (snr + 1)
        return clipped / snr

    def sampling_model(self) -> SpriteDiffusion:
        return self.ema.model
