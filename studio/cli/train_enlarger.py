"""``studio train-enlarger``: train the built-in models' learnt 2x enlarger on a dataset.

Example: ``studio train-enlarger --data DATASET --out runs/enlarger --steps 1400``, then copy
``runs/enlarger/enlarger.safetensors`` into a built-in model folder (``models/builtin-vae``):
its 32 px sprites are then enlarged by the network instead of nearest neighbour. Resumable
with ``--resume``; the file is rewritten at every checkpoint.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studio.cli.command import Command, arg
from studio.cli.folders import check_folder_option
from studio.cli.numbers import finite_float

# Options handed to EnlargerOptions under their own names.
PASSED = ("steps", "minutes", "batch_size", "resume", "seed")

COMMAND = Command(
    "train-enlarger",
    "train the built-in models' 2x sprite enlarger",
    __doc__,
    raw_description=True,
    args=(
        arg("--data", type=Path, required=True, help="dataset folder with 32 and 64 px images"),
        arg("--out", type=Path, required=True, help="run folder (checkpoint and enlarger file)"),
        arg("--steps", type=int, default=1400, help="optimisation steps (total)"),
        arg("--minutes", type=finite_float, help="stop after this long (resume later)"),
        arg("--batch-size", type=int, default=32, help="icon pairs per step"),
        arg("--resume", action="store_true", help="continue from OUT/checkpoint.pt"),
        arg("--seed", type=int, default=0, help="seed of weights and data order"),
    ),
)


@COMMAND.runs
def run_train_enlarger(args: argparse.Namespace) -> int:
    """Train as ``args`` say; prints the path of the enlarger file."""
    from tqdm import tqdm

    from studio.domain.errors import InvalidRequestError
    from studio.train.enlarger import EnlargerOptions, train_enlarger

    check_folder_option(args.out, "--out")
    if args.steps < 1 or args.batch_size < 1:
        raise InvalidRequestError("--steps and --batch-size must be at least 1.")
    passed = {name: getattr(args, name) for name in PASSED}
    options = EnlargerOptions(data_dir=args.data, out_dir=args.out, **passed)
    bars: list[tqdm] = []  # opened at the first step, so a refused dataset prints one line

    def report(step: int, total: int, loss: float) -> None:
        if not bars:
            bars.append(tqdm(total=total, desc="enlarger", unit="step", file=sys.stderr))
        bars[0].n = step
        bars[0].set_postfix(loss=f"{loss:.4f}", refresh=True)

    try:
        path = train_enlarger(options, report)
    finally:
        for bar in bars:
            bar.close()
    print(path)
    return 0
