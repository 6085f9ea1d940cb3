"""The training loop every family shares: budget, progress bar, sample grids, checkpoints, export.

A run trains until its step count or its minutes are used up (both are totals across resumed
runs), writes a sample grid and a checkpoint every ``sample_every`` steps, and finally exports
the model folder. Interrupting it (Ctrl-C) checkpoints first, so ``--resume`` continues from the
step it stopped at with the same data order and random state.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

import torch
from tqdm import tqdm

from studio.domain.errors import InvalidRequestError
from studio.domain.terminal_text import raw_stream
from studio.engine.builtin.pretrained import config_from_dict
from studio.train.batches import TrainingData
from studio.train.checkpoint import (
    CHECKPOINT_NAME,
    CheckpointError,
    load_checkpoint,
    save_checkpoint,
)
from studio.train.export import export_model
from studio.train.options import TrainOptions, validate_options
from studio.train.recipes import Recipe, get_recipe
from studio.train.samples import GRID_ROWS, sample_grid, save_grid
from studio.train.trainer import FamilyTrainer

_TRAINERS = {
    "vae": ("studio.train.vae", "VAETrainer"),
    "gan": ("studio.train.gan", "GANTrainer"),
    "ar": ("studio.train.ar", "ARTrainer"),
    "diffusion": ("studio.train.diffusion", "DiffusionTrainer"),
}
LOG_EVERY = 25
LOG_NAME = "train_log.jsonl"
SMOOTHING = 0.95


@dataclass
class TrainResult:
    """Where the model went and how far training got."""

    out_dir: Path
    step: int
    elapsed_s: float
    losses: dict[str, float] = field(default_factory=dict)


def make_trainer(recipe: Recipe, data: TrainingData, device: str | torch.device) -> FamilyTrainer:
    """The family trainer for ``recipe`` (imported on demand)."""
    module_name, class_name = _TRAINERS[recipe.family]
    trainer_class = getattr(importlib.import_module(module_name), class_name)
    return trainer_class(recipe, data, device)


def run_training(options: TrainOptions, stream: TextIO | None = None) -> TrainResult:
    """Train, sample, checkpoint and export as ``options`` say.

    Raises
    ------
    InvalidRequestError
        If the options are inconsistent (no budget, a bad batch size).
    CheckpointError
        If ``resume`` is set and the checkpoint is missing, unsafe or from another recipe.
    """
    validate_options(options)
    run = _Run.start(options, stream or sys.stderr)
    try:
        run.train()
    except KeyboardInterrupt:
        run.checkpoint()
        run.close()
        raise
    run.close()
    return run.finish()


def apply_overrides(
    recipe: Recipe, lr: float | None, recipe_options: tuple[tuple[str, float], ...]
) -> Recipe:
    """``recipe`` with its learning rate and family options replaced where given.

    Raises
    ------
    InvalidRequestError
        For an option the family's recipe does not have (the message lists the known ones).
    """
    known = recipe.options
    for name, _ in recipe_options:
        if name not in known:
            listed = ", ".join(sorted(known)) or "none"
            raise InvalidRequestError(
                f"The {recipe.family} recipe has no option {name!r}: use one of {listed}."
            )
    return replace(
        recipe,
        lr=recipe.lr if lr is None else float(lr),
        options={**known, **{name: float(value) for name, value in recipe_options}},
    )


class _Run:
    """The state of one invocation of :func:`run_training`."""

    def __init__(
        self,
        options: TrainOptions,
        recipe: Recipe,
        data: TrainingData,
        trainer: FamilyTrainer,
        stream: TextIO,
    ) -> None:
        self.options = options
        self.recipe = recipe
        self.data = data
        self.trainer = trainer
        self.stream = stream
        self.batch_generator = torch.Generator().manual_seed(options.seed)
        self.elapsed_before = 0.0
        self.cpu_before = 0.0
        self.started = time.perf_counter()
        self.cpu_started = time.process_time()
        self.smoothed: dict[str, float] = {}
        self.bar: tqdm | None = None
        self.commands = [options.command]
        self._snapshot_rng()

    @classmethod
    def start(cls, options: TrainOptions, stream: TextIO) -> _Run:
        if options.threads:
            torch.set_num_threads(options.threads)
        torch.manual_seed(options.seed)
        recipe = get_recipe(options.family, options.preset)
        checkpoint = None
        if options.resume:
            checkpoint = load_checkpoint(options.out_dir / CHECKPOINT_NAME)
            recipe = _recipe_from_checkpoint(recipe, checkpoint)
        if options.batch_size:
            recipe = replace(recipe, batch_size=options.batch_size)
        recipe = apply_overrides(recipe, options.lr, options.recipe_options)
        data = TrainingData.load(options.data_dir, recipe.sample_size)
        run = cls(options, recipe, data, make_trainer(recipe, data, options.device), stream)
        if checkpoint is not None:
            run.restore(checkpoint)
        elif options.init_from is not None:
            run.trainer.init_from(Path(options.init_from))
        return run

    @property
    def elapsed(self) -> float:
        return self.elapsed_before + time.perf_counter() - self.started

    @property
    def cpu_seconds(self) -> float:
        """CPU time this training used, all runs together (on a shared machine, far less
        than ``elapsed`` times the core count)."""
        return self.cpu_before + time.process_time() - self.cpu_started

    def progress(self) -> float:
        shares = [0.0]
        if self.options.steps:
            shares.append(self.trainer.step / self.options.steps)
        if self.options.minutes:
            shares.append(self.elapsed / (self.options.minutes * 60.0))
        return min(1.0, max(shares))

    def train(self) -> None:
        every = self.options.sample_every
        self.bar = tqdm(
            total=self.options.steps,
            initial=self.trainer.step,
            desc=f"train {self.recipe.family}",
            unit="step",
            file=raw_stream(self.stream),
            dynamic_ncols=True,
            mininterval=0.5,
        )
        while self.progress() < 1.0:
            indices = self.data.sample_indices(self.recipe.batch_size, self.batch_generator)
            batch = self.data.batch(indices, self.trainer.device)
            self._record(self.trainer.train_step(batch, self.progress()))
            self._snapshot_rng()
            step = self.trainer.step
            if every and step % every == 0:
                self.sample()
                self.checkpoint()

    def sample(self) -> Path:
        model = self.trainer.sampling_model()
        grid = sample_grid(model, self.data, self.data.preview_indices(GRID_ROWS))
        path = self.options.out_dir / "samples" / f"step_{self.trainer.step:07d}.png"
        return save_grid(grid, path)

    def checkpoint(self) -> None:
        save_checkpoint(
            self.options.out_dir / CHECKPOINT_NAME,
            {
                "family": self.recipe.family,
                "preset": self.recipe.preset,
                "recipe": self.recipe.to_dict(),
                "elapsed_s": self.elapsed,
                "cpu_s": self.cpu_seconds,
                "commands": self.commands,
                "trainer": self.trainer.state_dict(),
                "batch_rng": self.rng_after_step[0],
                "torch_rng": self.rng_after_step[1],
            },
        )

    def restore(self, checkpoint: dict[str, Any]) -> None:
        self.trainer.load_state_dict(checkpoint["trainer"])
        self.batch_generator.set_state(checkpoint["batch_rng"])
        torch.set_rng_state(checkpoint["torch_rng"])
        self.elapsed_before = float(checkpoint["elapsed_s"])
        self.cpu_before = float(checkpoint.get("cpu_s", 0.0))
        self.commands = [*checkpoint.get("commands", []), self.options.command]
        self.started = time.perf_counter()
        self.cpu_started = time.process_time()
        self._snapshot_rng()

    def _snapshot_rng(self) -> None:
        # Taken after each completed step: a checkpoint written by Ctrl-C in the middle of a
        # step resumes exactly where the last whole step left the data order and noise.
        self.rng_after_step = (self.batch_generator.get_state(), torch.get_rng_state())

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def finish(self) -> TrainResult:
        every = self.options.sample_every
        if not every or self.trainer.step % every:
            self.sample()  # the last step had no grid yet
            self.checkpoint()
        options = self.options
        training = {
            "command": options.command,
            "commands": self.commands,
            "preset": self.recipe.preset,
            "steps": self.trainer.step,
            "minutes": round(self.elapsed / 60.0, 1),
            "cpu_minutes": round(self.cpu_seconds / 60.0, 1),
            "seed": options.seed,
            "device": options.device,
            "recipe": self.recipe.to_dict(),
            "train_images": len(self.data.train_indices),
            "final_losses": {k: round(v, 4) for k, v in self.smoothed.items()},
        }
        name = options.name or f"builtin-{self.recipe.family}"
        model = self.trainer.sampling_model()
        export_model(model, options.out_dir, self.data, options.data_dir, name, training)
        return TrainResult(options.out_dir, self.trainer.step, self.elapsed, dict(self.smoothed))

    def _record(self, losses: dict[str, float]) -> None:
        for key, value in losses.items():
            previous = self.smoothed.get(key, value)
            self.smoothed[key] = SMOOTHING * previous + (1 - SMOOTHING) * value
        if self.bar is not None:
            self.bar.update(1)
            if not self.options.steps and self.trainer.step % LOG_EVERY == 0:
                # Only minutes were given: estimate the total from the pace so far.
                self.bar.total = int(self.trainer.step / max(self.progress(), 1e-6))
            shown = {k: f"{v:.4g}" for k, v in self.smoothed.items() if k in ("loss", "d_loss")}
            self.bar.set_postfix(shown, refresh=False)
        if self.trainer.step % LOG_EVERY == 0:
            self._log(losses)

    def _log(self, losses: dict[str, float]) -> None:
        row = {"step": self.trainer.step, "elapsed_s": round(self.elapsed, 1), **losses}
        self.options.out_dir.mkdir(parents=True, exist_ok=True)
        with (self.options.out_dir / LOG_NAME).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(row) + "\n")


def _recipe_from_checkpoint(recipe: Recipe, checkpoint: dict[str, Any]) -> Recipe:
    # The architecture comes from the checkpoint, so a recipe edited since cannot break resume.
    if checkpoint.get("family") != recipe.family:
        raise CheckpointError(
            f"The checkpoint holds a {checkpoint.get('family')!r} run, not {recipe.family!r}: "
            "use another --out folder or the same --family."
        )
    if checkpoint.get("preset") != recipe.preset:
        raise CheckpointError(
            f"The checkpoint was trained with --preset {checkpoint.get('preset')}: resume with it."
        )
    stored = checkpoint.get("recipe", {})
    config = config_from_dict(type(recipe.config), stored.get("config", {}))
    # Options the run was started with (``--lr``, ``--option``) hold for its whole budget;
    # options added to the recipe since keep their defaults.
    stored_options = {k: float(v) for k, v in stored.get("options", {}).items()}
    return replace(
        recipe,
        config=config,
        batch_size=int(stored.get("batch_size", recipe.batch_size)),
        lr=float(stored.get("lr", recipe.lr)),
        options={**recipe.options, **stored_options},
    )
