"""What one ``studio train`` run is asked to do, and the checks made before any work starts.

Every number is checked here, before the dataset or torch does any work, so a bad option is a
one-line error naming the flag instead of an overflow from torch or a budget that never ends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from studio.domain.errors import InvalidRequestError
from studio.train.checkpoint import CHECKPOINT_NAME

MAX_MINUTES = 60 * 24 * 30
MAX_STEPS = 100_000_000
MAX_BATCH_SIZE = 65_536
MAX_THREADS = 4096
MAX_SEED = 2**63 - 1  # torch.manual_seed's limit


@dataclass(frozen=True)
class TrainOptions:
    """One ``studio train`` run.

    Parameters
    ----------
    minutes, steps
        Budget (either or both; training stops at whichever is reached first). Both count
        from the start of the first run, so a resumed run finishes the same budget.
    sample_every
        Steps between sample grids and checkpoints (0: only at the end).
    init_from
        Model folder whose weights a new run starts from (fine-tuning); ignored on resume.
    lr, recipe_options
        Overrides of the recipe's peak learning rate and of its family options (``NAME``,
        value pairs; only options the recipe has). A resumed run keeps the checkpoint's values
        unless they are given again.
    threads
        CPU threads for torch (``None``: torch's default). On a machine shared with other
        jobs one thread per run is often several times faster than two that wait on each other.
    command
        The command line, recorded in the model card.
    """

    family: str
    data_dir: Path
    out_dir: Path
    minutes: float | None = None
    steps: int | None = None
    batch_size: int | None = None
    resume: bool = False
    seed: int = 0
    device: str = "cpu"
    sample_every: int = 500
    preset: str = "cpu"
    name: str | None = None
    command: str = ""
    threads: int | None = None
    init_from: Path | None = None
    lr: float | None = None
    recipe_options: tuple[tuple[str, float], ...] = ()


def validate_options(options: TrainOptions) -> None:
    """Refuse ``options`` that are inconsistent or out of range, before any work.

    Raises
    ------
    InvalidRequestError
        Naming the flag and its allowed range, or the ``--out`` folder that holds a checkpoint.
    """
    # Every number is checked here, before the dataset or torch does any work: a NaN budget
    # compares false with everything and would never run out, and torch refuses seeds and
    # thread counts past 64 bits with an overflow instead of a message.
    if options.minutes is None and options.steps is None:
        raise InvalidRequestError("Give a budget: --minutes N, --steps N or both.")
    _check_range("--steps", options.steps, 1, MAX_STEPS)
    if options.minutes is not None and not 0 < options.minutes <= MAX_MINUTES:
        raise InvalidRequestError(
            f"--minutes must be more than 0 and at most {MAX_MINUTES} (30 days)."
        )
    _check_range("--batch-size", options.batch_size, 1, MAX_BATCH_SIZE)
    _check_range("--threads", options.threads, 1, MAX_THREADS)
    _check_range("--sample-every", options.sample_every, 0, MAX_STEPS)
    _check_range("--seed", options.seed, 0, MAX_SEED)
    if options.lr is not None and not 0 < options.lr < math.inf:
        raise InvalidRequestError("--lr must be a number more than 0.")
    for name, value in options.recipe_options:
        if not math.isfinite(value):
            raise InvalidRequestError(f"--option {name}= must be a finite number.")
    _check_out_dir(options)


def _check_out_dir(options: TrainOptions) -> None:
    # A run writes its checkpoint at the first sample: starting afresh in a folder that holds
    # one would replace hours of training the user can still --resume.
    out = Path(options.out_dir)
    if out.exists() and not out.is_dir():
        raise InvalidRequestError(f"--out {out} is a file, not a folder: choose a folder.")
    if not options.resume and (out / CHECKPOINT_NAME).exists():
        raise InvalidRequestError(
            f"{out} holds a training checkpoint: add --resume to continue it, or choose "
            "another --out (nothing was changed)."
        )


def _check_range(flag: str, value: int | None, low: int, high: int) -> None:
    if value is not None and not low <= value <= high:
        raise InvalidRequestError(f"{flag} must be between {low} and {high:,}.")
