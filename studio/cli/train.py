"""``studio train``: train a built-in text-to-sprite model on a dataset folder.

Example: ``studio train --family diffusion --data DATASET --out models/builtin-diffusion
--minutes 25``. Shows a progress bar on stderr, writes sample grids to OUT/samples/ and a
resumable checkpoint, and finally a model folder Studio can load (``studio_model.json``,
``model.safetensors``, ``MODEL_CARD.md``, ``ATTRIBUTION.md``).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from studio.cli.command import Command, arg
from studio.cli.folders import check_folder_option
from studio.cli.numbers import finite_float

FAMILIES = ("vae", "gan", "ar", "diffusion")
PRESETS = ("cpu", "tiny")
# Options handed to TrainOptions under their own names, in the order the model card's command
# line lists them (--family, --data, --out and --resume come first).
PASSED = (
    "minutes",
    "steps",
    "batch_size",
    "seed",
    "device",
    "sample_every",
    "preset",
    "name",
    "threads",
    "init_from",
    "lr",
)


def _recipe_option(text: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    try:
        if not sep or not name.strip():
            raise ValueError
        return name.strip(), finite_float(value)
    except (ValueError, argparse.ArgumentTypeError):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not NAME=NUMBER (for example kl_warmup=0)"
        ) from None


COMMAND = Command(
    "train",
    "train a built-in sprite model",
    __doc__,
    raw_description=True,
    args=(
        arg("--family", required=True, choices=FAMILIES, help="model family"),
        arg("--data", type=Path, required=True, help="dataset folder (studio data)"),
        arg("--out", type=Path, required=True, help="model folder to write"),
        arg("--minutes", type=finite_float, help="training time budget (total)"),
        arg("--steps", type=int, help="optimisation steps (total)"),
        arg("--batch-size", type=int, help="images per step (default: the recipe's)"),
        arg("--resume", action="store_true", help="continue from OUT/checkpoint.pt"),
        arg("--seed", type=int, default=0, help="seed of weights and data order"),
        arg(
            "--device",
            default="auto",
            help="auto (a GPU when there is one), cpu, cuda, cuda:1, mps",
        ),
        arg("--sample-every", type=int, default=500, help="steps between sample grids/checkpoints"),
        arg("--preset", default="cpu", choices=PRESETS, help="recipe size: cpu (shipped) or tiny"),
        arg("--name", help="model id (default builtin-FAMILY)"),
        arg("--threads", type=int, help="CPU threads (default: torch's choice)"),
        arg("--init-from", type=Path, help="start from this model folder's weights (fine-tune)"),
        arg("--lr", type=finite_float, help="peak learning rate (default: the recipe's)"),
        arg(
            "--option",
            action="append",
            default=[],
            type=_recipe_option,
            metavar="NAME=VALUE",
            help="set one of the family's recipe options (repeatable), e.g. kl_warmup=0",
        ),
    ),
)


@COMMAND.runs
def run_train(args: argparse.Namespace) -> int:
    """Run the training ``args`` describe; prints where the model went."""
    from studio.train.loop import run_training
    from studio.train.options import TrainOptions

    check_folder_option(args.out, "--out")
    passed = {name: getattr(args, name) for name in PASSED}
    options = TrainOptions(
        family=args.family,
        data_dir=args.data,
        out_dir=args.out,
        resume=args.resume,
        recipe_options=tuple(args.option),
        command="studio " + shlex.join(_command_args(args)),
        **{**passed, "device": _resolve_device(args.device)},
    )
    result = run_training(options)
    minutes = result.elapsed_s / 60.0
    print(f"{result.out_dir}: {result.step} steps in {minutes:.1f} min", file=sys.stdout)
    return 0


def _resolve_device(device: str) -> str:
    if device != "auto":
        return device
    from studio.engine.device import pick_device

    return str(pick_device("auto")[0])


def _command_args(args: argparse.Namespace) -> list[str]:
    # Rebuilt from the parsed options so the card shows a complete, runnable command line.
    words = [COMMAND.name, "--family", args.family, "--data", str(args.data)]
    words += ["--out", str(args.out)]
    if args.resume:
        words.append("--resume")
    for name in PASSED:
        value = getattr(args, name)
        if value is not None and not (name == "device" and value == "auto"):
            flag = "--" + name.replace("_", "-")
            words += [flag, f"{value:g}" if isinstance(value, float) else str(value)]
    for name, value in args.option:
        words += ["--option", f"{name}={value:g}"]
    return words
