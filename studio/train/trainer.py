"""What the training loop expects of each family's trainer, and the parts they share."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

import torch

from studio.domain.errors import InvalidRequestError
from studio.engine.builtin.pretrained import BuiltinModel
from studio.train.batches import Batch, TrainingData
from studio.train.recipes import Recipe


class FamilyTrainer:
    """Owns a family's model(s), optimisers and EMA copies; runs one optimisation step at a time.

    Subclasses implement :meth:`train_step` and :meth:`sampling_model` and name in
    :attr:`stateful_names` the attributes a checkpoint must hold.

    Parameters
    ----------
    recipe
        Architecture and optimisation settings.
    data
        The training data (trainers that precompute something from it, such as the AR
        family's token cache, read it directly).
    device
        Where to train.
    """

    family: ClassVar[str] = ""
    stateful_names: ClassVar[tuple[str, ...]] = ()
    """Attributes with ``state_dict``/``load_state_dict``, checkpointed under these names."""

    def __init__(self, recipe: Recipe, data: TrainingData, device: torch.device | str) -> None:
        self.recipe = recipe
        self.data = data
        self.device = torch.device(device)
        self.step = 0

    def train_step(self, batch: Batch, progress: float) -> dict[str, float]:
        """One optimisation step; ``progress`` in [0, 1] is the share of the budget used."""
        raise NotImplementedError

    def sampling_model(self) -> BuiltinModel:
        """The model to sample and ship (EMA weights), in eval mode."""
        raise NotImplementedError

    def stateful(self) -> dict[str, Any]:
        """Objects with ``state_dict``/``load_state_dict`` that a checkpoint must hold."""
        return {name: getattr(self, name) for name in self.stateful_names}

    def extra_state(self) -> dict[str, Any]:
        """Plain values (numbers, strings, tensors) to checkpoint besides :meth:`stateful`."""
        return {}

    def load_extra_state(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`extra_state` returned."""

    def state_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "objects": {name: obj.state_dict() for name, obj in self.stateful().items()},
            "extra": self.extra_state(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.step = int(state["step"])
        self.load_extra_state(state.get("extra", {}))
        for name, obj in self.stateful().items():
            obj.load_state_dict(state["objects"][name])

    def init_from(self, folder: Path) -> None:
        """Start from the weights of a saved model folder (fine-tuning) instead of random ones.

        The model and its EMA copy both take the folder's weights; optimiser state and any
        discriminator start fresh.

        Raises
        ------
        InvalidRequestError
            If the folder holds another family or an architecture other than the recipe's.
        """
        from studio.engine.builtin.pretrained import read_model_manifest

        manifest = read_model_manifest(folder)
        if manifest.get("family") != self.family:
            raise InvalidRequestError(
                f"{folder} holds a {manifest.get('family')!r} model: --init-from needs a "
                f"{self.family!r} one."
            )
        model = self.sampling_model()
        loaded = type(model).from_pretrained(folder)
        adds_reference = _adds_reference_path(loaded.config, model.config)
        if loaded.config != model.config and not adds_reference:
            raise InvalidRequestError(
                f"{folder} has another architecture than the {self.recipe.preset!r} recipe of "
                f"{self.family}: train from scratch or pick a matching --preset."
            )
        state = loaded.state_dict()
        for target in self.init_targets():
            # A plain decoder grows a reference path: its zero-initialised projections keep
            # the loaded model's samples exactly as they were until training moves them.
            missing, unexpected = target.load_state_dict(state, strict=not adds_reference)
            if unexpected or any(".reference." not in name for name in missing):
                raise InvalidRequestError(f"{folder}'s weights do not fit the recipe's model.")

    def init_targets(self) -> list[torch.nn.Module]:
        """The modules :meth:`init_from` loads (the trained model and its EMA copy)."""
        return [self.model, self.ema.model]  # type: ignore[attr-defined]

    def lr_factor(self, progress: float, step: int | None = None) -> float:
        """Linear warm-up, a plateau, then a linear decay to a tenth over the budget's end."""
        step = self.step if step is None else step
        warmup = min(1.0, (step + 1) / max(1, self.recipe.warmup_steps))
        start = self.recipe.decay_start
        if progress <= start:
            return warmup
        return warmup * max(0.1, 1.0 - 0.9 * (progress - start) / max(1e-6, 1.0 - start))

    def drop_mask(self, batch_size: int) -> torch.Tensor | None:
        """Which captions to replace by the null prompt this step (classifier-free guidance)."""
        if self.recipe.cond_dropout <= 0:
            return None
        return torch.rand(batch_size) < self.recipe.cond_dropout


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    """Set every parameter group's learning rate."""
    for group in optimizer.param_groups:
        group["lr"] = lr


def make_adamw(
    params: Any, lr: float, betas: tuple[float, float] = (0.9, 0.99), weight_decay: float = 0.0
) -> torch.optim.AdamW:
    """AdamW as every family uses it (no weight decay on the small conv nets by default)."""
    return torch.optim.AdamW(params, lr=lr, betas=betas, weight_decay=weight_decay)


def _adds_reference_path(loaded: Any, recipe: Any) -> bool:
    """Whether ``recipe`` is ``loaded`` plus a retrieval reference path, nothing else."""
    if getattr(loaded, "reference_channels", None) != 0:
        return False
    return bool(getattr(recipe, "reference_channels", 0)) and (
        replace(recipe, reference_channels=0) == loaded
    )
