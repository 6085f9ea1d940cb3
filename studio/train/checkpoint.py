"""Resumable training checkpoints that never need an unsafe load.

A checkpoint is a ``torch.save`` of plain containers, numbers, strings and tensors (model,
EMA and optimiser state dicts, RNG states), read back through
:func:`studio.engine.safe_load.load_pickle` (``torch.load(weights_only=True)``):
a file that would need to run code to load is refused, as every model file in Studio is.
Writes go to a temporary file that replaces the old checkpoint only once complete.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from studio.domain.errors import ModelLoadError, StudioError, UnsafeModelError
from studio.engine.safe_load import load_pickle
from studio.imaging.atomic import atomic_write_with

CHECKPOINT_NAME = "checkpoint.pt"
CHECKPOINT_FORMAT = "studio-train-checkpoint"
CHECKPOINT_VERSION = 1


class CheckpointError(StudioError):
    """A training checkpoint is missing, damaged or belongs to another run."""


def save_checkpoint(path: Path, payload: dict[str, Any]) -> None:
    """Write ``payload`` atomically to ``path`` (a crash leaves the previous checkpoint)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stamped = {"format": CHECKPOINT_FORMAT, "version": CHECKPOINT_VERSION, **payload}
    atomic_write_with(path, lambda temporary: torch.save(stamped, temporary))


def load_checkpoint(path: Path) -> dict[str, Any]:
    """Read a checkpoint written by :func:`save_checkpoint`.

    Raises
    ------
    CheckpointError
        If the file is missing, damaged, holds code, or is not a Studio training checkpoint.
    """
    if not path.is_file():
        raise CheckpointError(f"No checkpoint to resume at {path}: start without --resume.")
    try:
        # Not memory-mapped: the run replaces this very file at its next checkpoint.
        payload = load_pickle(path, memory_map=False)
    except ModelLoadError as exc:
        reason = "it holds code" if isinstance(exc, UnsafeModelError) else "damaged"
        raise CheckpointError(
            f"The checkpoint {path} cannot be read safely ({reason}); delete it to start over."
        ) from None
    if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"{path} is not a Studio training checkpoint.")
    if int(payload.get("version", 0)) > CHECKPOINT_VERSION:
        raise CheckpointError(f"{path} was written by a newer Studio: update Studio to resume.")
    return payload
