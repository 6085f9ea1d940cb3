"""``studio eval``: compare built-in text-to-sprite models on a dataset's held-out concepts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from studio.cli.command import Command, Group, arg, json_option
from studio.cli.folders import check_folder_option
from studio.cli.json_output import print_json
from studio.train.data.recognition_prompts import PROMPT_SETS

MAX_EVAL_COUNT = 100_000
MAX_SCORER_STEPS = 1_000_000


COMMAND = Command(
    "eval",
    "compare built-in models on a dataset (FID, text fidelity, sample grids)",
    "Generate one image per held-out caption of the dataset with fixed seeds for each "
    "model, then print the Frechet distance of EfficientNet-Lite0 features to the real "
    "held-out images, the text-image scorer's top-1/top-5 retrieval accuracy (with the "
    "real images' accuracy as the ceiling) and seconds per image, and write a sample "
    "grid PNG per model.",
    args=(
        arg("models", nargs="+", metavar="MODEL", help="built-in model id or folder"),
        arg("--data", type=Path, required=True, help="dataset folder"),
        arg("--count", type=int, default=256, help="held-out prompts (0 = all)"),
        arg("--seed", type=int, default=0, help="first seed; prompt i uses seed+i"),
        arg("--steps", type=int, default=25, help="sampling steps per image"),
        arg("--out", type=Path, default=Path("studio-eval"), help="grid folder"),
        arg("--device", help="cpu, cuda, cuda:1 ... (default: cuda if present)"),
        arg("--scorer-steps", type=int, help="training steps of the scorer if it is not cached"),
        arg(
            "--game",
            action="store_true",
            help="score the game prompts instead: colour accuracy, seed diversity, alpha, "
            "recognition (an ImageNet classifier's top-1 among the prompts' objects)",
        ),
        arg(
            "--prompts",
            choices=PROMPT_SETS,
            help="with --game: the recognition prompt set to judge (default heldout; "
            "choose methods by tuning or paraphrased, never tune on heldout)",
        ),
        arg(
            "--alpha",
            choices=("crisp", "soft"),
            default="crisp",
            help="alpha mode when sampling (crisp, the request default, or soft)",
        ),
        Group(
            exclusive=True,
            args=(
                json_option("print the rows as JSON"),
                arg("--markdown", action="store_true", help="print a Markdown table"),
            ),
        ),
    ),
)


@COMMAND.runs
def run_eval(args: argparse.Namespace) -> int:
    """Evaluate the models ``args`` names and print the comparison."""
    from studio.domain.errors import InvalidRequestError
    from studio.train.evaluation.report import evaluate_models, format_markdown, format_table

    if not args.game and (args.count < 0 or args.count == 1):
        # A Frechet distance needs a covariance, so at least two images.
        raise InvalidRequestError("--count must be 0 (all held-out prompts) or at least 2.")
    if args.prompts and not args.game:
        raise InvalidRequestError("--prompts picks the recognition prompts of --game; add --game.")
    _check_numbers(args)
    check_folder_option(args.out, "--out")
    # Both evaluations write their grids to --out, seed from --seed and log to stderr.
    where: dict[str, Any] = {
        "out_dir": args.out,
        "seed": args.seed,
        "device": args.device,
        "log": _log,
    }
    if args.game:
        from studio.train.evaluation.game_metrics import evaluate_game, format_game_markdown

        game_rows = evaluate_game(
            args.data, args.models, alpha=args.alpha, prompt_set=args.prompts or "heldout", **where
        )
        _print_rows(args, game_rows, format_game_markdown(game_rows))
        return 0
    rows = evaluate_models(
        args.data,
        args.models,
        count=args.count or None,
        steps=args.steps,
        scorer_steps=args.scorer_steps,
        **where,
    )
    _print_rows(args, rows, format_markdown(rows) if args.markdown else format_table(rows))
    return 0


def _log(message: str) -> None:
    print(message, file=sys.stderr)


def _print_rows(args: argparse.Namespace, rows: Sequence[Any], text: str) -> None:
    """The rows as JSON with --json, else ``text``."""
    if args.json:
        print_json([row.to_dict() for row in rows])
    else:
        print(text)


def _check_numbers(args: argparse.Namespace) -> None:
    """Refuse out-of-range numbers before the dataset is read or the scorer trains.

    Prompt ``i`` uses seed ``--seed + i``, so the seed is checked with room for the count.
    """
    from studio.domain.errors import InvalidRequestError
    from studio.domain.request_limits import MAX_SEED, MAX_STEPS

    ranges = (
        ("--count", args.count, 0, MAX_EVAL_COUNT),
        ("--seed", args.seed, 0, MAX_SEED - MAX_EVAL_COUNT),
        ("--steps", args.steps, 1, MAX_STEPS),
        ("--scorer-steps", args.scorer_steps, 1, MAX_SCORER_STEPS),
    )
    for flag, value, low, high in ranges:
        if value is not None and not low <= value <= high:
            raise InvalidRequestError(f"{flag} must be between {low} and {high:,}.")
