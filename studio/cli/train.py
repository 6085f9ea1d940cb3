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

from studio.cli.folders import check_folder_option
from studio.cli.numbers import finite_float

NAME = "train"
FAMILIES = ("vae", "gan", "ar", "diffusion")
PRESETS = ("cpu", "tiny")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``studio train`` to the ``studio`` parser."""
    parser = subparsers.add_parser(
        NAME,
        help="train a built-in sprite model",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--family", required=True, choices=FAMILIES, help="model family")
    parser.add_argument("--data", type=Path, required=True, help="dataset folder (studio data)")
    parser.add_argument("--out", type=Path, required=True, help="model folder to write")
    parser.add_argument("--minutes", type=finite_float, help="training time budget (total)")
    parser.add_argument("--steps", type=int, help="optimisation steps (total)")
    parser.add_argument("--batch-size", type=int, help="images per step (default: the recipe's)")
    parser.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pt")
    parser.add_argument("--seed", type=int, default=0, help="seed of weights and data order")
    parser.add_argument(
        "--device", default="auto", help="auto (a GPU when there is one), cpu, cuda, cuda:1, mps"
    )
    parser.add_argument(
        "--sample-every", type=int, default=500, help="steps between sample grids/checkpoints"
    )
    parser.add_argument(
        "--preset", default="cpu", choices=PRESETS, help="recipe size: cpu (shipped) or tiny"
    )
    parser.add_argument("--name", help="model id (default builtin-FAMILY)")
    parser.add_argument("--threads", type=int, help="CPU threads (default: torch's choice)")
    parser.add_argument(
        "--init-from", type=Path, help="start from this model folder's weights (fine-tune)"
    )
    parser.add_argument(
        "--lr", type=finite_float, help="peak learning rate (default: the recipe's)"
    )
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        type=_recipe_option,
        metavar="NAME=VALUE",
        help="set one of the family's recipe options (repeatable), e.g. kl_warmup=0",
    )
    parser.set_defaults(handler=run_train)


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


def run_train(args: argparse.Namespace) -> int:
    """Run the training ``args`` describe; prints where the model went."""
    from studio.train.loop import run_training
    from studio.train.options import TrainOptions

    check_folder_option(args.out, "--out")
    options = TrainOptions(
        family=args.family,
        data_dir=args.data,
        out_dir=args.out,
        minutes=args.minutes,
        steps=args.steps,
        batch_size=args.batch_size,
        resume=args.resume,
        seed=args.seed,
        device=_resolve_device(args.device),
        sample_every=args.sample_every,
        preset=args.preset,
        name=args.name,
        threads=args.threads,
        init_from=args.init_from,
        lr=args.lr,
        recipe_options=tuple(args.option),
        command="studio " + shlex.join(_command_args(args)),
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
    words = [NAME, "--family", args.family, "--data", str(args.data), "--out", str(args.out)]
    if args.resume:
        words.append("--resume")
    for flag, value in (
        ("--minutes", args.minutes),
        ("--steps", args.steps),
        ("--batch-size", args.batch_size),
        ("--seed", args.seed),
        ("--device", None if args.device == "auto" else args.device),
        ("--sample-every", args.sample_every),
        ("--preset", args.preset),
        ("--name", args.name),
        ("--threads", args.threads),
        ("--init-from", args.init_from),
        ("--lr", args.lr),
    ):
        if value is not None:
            words += [flag, f"{value:g}" if isinstance(value, float) else str(value)]
    for name, value in args.option:
        words += ["--option", f"{name}={value:g}"]
    return words
