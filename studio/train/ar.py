"""Training the built-in autoregressive model in two stages within one budget.

Stage 1 (the first ``vq_fraction`` of the budget) trains the VQ autoencoder: L1 and perceptual
reconstruction plus the codebook and commitment terms, restarting codes nobody used lately
from fresh encoder outputs so the small codebook stays alive. Stage 2 freezes it, tokenizes the
whole training split once, and trains the transformer with cross-entropy on the next token,
with ten percent of captions dropped to the null prompt for classifier-free guidance.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812  (the PyTorch idiom)

from studio.engine.builtin.ar import SpriteAR
from studio.train.batches import Batch, TrainingData
from studio.train.ema import EMA
from studio.train.perceptual import PerceptualTerm
from studio.train.recipes import Recipe
from studio.train.trainer import FamilyTrainer, make_adamw, set_lr

TOKENIZE_BATCH = 256


class ARTrainer(FamilyTrainer):
    """Trains the VQ tokenizer, then the token transformer; ships the EMA transformer."""

    family = "ar"
    stateful_names = ("model", "ema", "vq_optimizer", "prior_optimizer")

    def __init__(self, recipe: Recipe, data: TrainingData, device: torch.device | str) -> None:
        super().__init__(recipe, data, device)
        self.model = SpriteAR(recipe.config).to(self.device).train()
        self.vq_fraction = float(recipe.options.get("vq_fraction", 0.3))
        self.vq_lr = float(recipe.options.get("vq_lr", recipe.lr))
        self.vq_optimizer = make_adamw(self.model.vq.parameters(), self.vq_lr)
        prior_params = [*self.model.prior.parameters(), *self.model.text.parameters()]
        self.prior_optimizer = make_adamw(prior_params, recipe.lr, (0.9, 0.95), 0.01)
        self.ema = EMA(self.model, recipe.ema_decay)
        weight = float(recipe.options.get("perceptual_weight", 0.0))
        self.perceptual = PerceptualTerm(weight, self.device)
        self.restart_every = int(recipe.options.get("restart_every", 100))
        self.code_usage = torch.zeros(recipe.config.vq.codebook_size, device=self.device)
        self.stage = "vq"
        self.prior_steps = 0
        self.codes: torch.Tensor | None = None
        self._pending_stage = "vq"

    def train_step(self, batch: Batch, progress: float) -> dict[str, float]:
        if self.stage == "vq" and progress >= self.vq_fraction:
            self._start_prior_stage()
        logs = (
            self._vq_step(batch, progress)
            if self.stage == "vq"
            else self._prior_step(batch, progress)
        )
        self.step += 1
        return logs

    def _vq_step(self, batch: Batch, progress: float) -> dict[str, float]:
        stage_progress = progress / max(self.vq_fraction, 1e-6)
        set_lr(self.vq_optimizer, self.vq_lr * self.lr_factor(stage_progress))
        x = batch.images
        encoded = self.model.vq.encode(x)
        quantized, indices, vq_loss = self.model.vq.quantizer(encoded)
        reconstruction = self.model.vq.decode(quantized)
        l1 = (reconstruction - x).abs().mean()
        loss = l1 + vq_loss
        logs = {"l1": float(l1.detach()), "vq": float(vq_loss.detach())}
        loss = self.perceptual.add(loss, logs, reconstruction, x)
        self.vq_optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.vq_optimizer.step()
        self._track_usage(indices, encoded)
        logs["codes_used"] = float((self.code_usage > 0).sum())
        return {"loss": float(loss.detach()), **logs}

    @torch.no_grad()
    def _track_usage(self, indices: torch.Tensor, encoded: torch.Tensor) -> None:
        counts = torch.bincount(indices.flatten(), minlength=self.code_usage.numel())
        self.code_usage += counts.to(self.code_usage)
        if self.restart_every <= 0 or (self.step + 1) % self.restart_every:
            return
        dead = (self.code_usage == 0).nonzero().flatten()
        if len(dead):
            # Reseed unused codes with encoder outputs from this batch (plus a little noise).
            vectors = (
                F.normalize(encoded.detach(), dim=1)
                .permute(0, 2, 3, 1)
                .reshape(-1, encoded.shape[1])
            )
            picks = torch.randint(len(vectors), (len(dead),), device=vectors.device)
            fresh = vectors[picks] + 0.01 * torch.randn_like(vectors[picks])
            self.model.vq.quantizer.codebook.weight.data[dead] = fresh
        self.code_usage.zero_()

    def _start_prior_stage(self) -> None:
        self.stage = "prior"
        self.model.vq.eval().requires_grad_(False)
        self.codes = self._tokenize_dataset()
        # The EMA copy must ship exactly the VQ the tokens came from.
        self.ema.model.vq.load_state_dict(self.model.vq.state_dict())

    @torch.no_grad()
    def _tokenize_dataset(self) -> torch.Tensor:
        grid = self.recipe.config.vq.grid_size
        codes = torch.zeros(len(self.data.images), grid, grid, dtype=torch.long)
        rows = self.data.train_indices
        for start in range(0, len(rows), TOKENIZE_BATCH):
            chunk = rows[start : start + TOKENIZE_BATCH]
            codes[chunk] = self.model.vq.tokenize(self.data.batch(chunk, self.device).images).cpu()
        return codes

    def _prior_step(self, batch: Batch, progress: float) -> dict[str, float]:
        stage_progress = (progress - self.vq_fraction) / max(1e-6, 1.0 - self.vq_fraction)
        set_lr(
            self.prior_optimizer, self.recipe.lr * self.lr_factor(stage_progress, self.prior_steps)
        )
        assert self.codes is not None
        tokens = self.codes[batch.indices].flatten(1).to(self.device)
        cond = self.model.text(batch.text, drop=self.drop_mask(len(batch)))
        logits = self.model.prior(tokens, cond)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tokens.reshape(-1))
        self.prior_optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.prior.parameters(), 1.0)
        self.prior_optimizer.step()
        self.prior_steps += 1
        self.ema.update(self.model, self.prior_steps)
        return {"loss": float(loss.detach()), "ce": float(loss.detach())}

    def sampling_model(self) -> SpriteAR:
        if self.stage == "vq":
            # Before stage 2 the transformer is untrained; sample with the live VQ at least.
            self.ema.model.vq.load_state_dict(self.model.vq.state_dict())
        return self.ema.model

    def extra_state(self) -> dict[str, Any]:
        return {"stage": self.stage, "prior_steps": self.prior_steps, "usage": self.code_usage}

    def load_extra_state(self, state: dict[str, Any]) -> None:
        self.prior_steps = int(state.get("prior_steps", 0))
        if "usage" in state:
            self.code_usage = state["usage"].to(self.device)
        self._pending_stage = state.get("stage", "vq")

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        if self._pending_stage == "prior":
            # Tokens are recomputed from the restored VQ: identical to the ones trained on.
            self._start_prior_stage()
