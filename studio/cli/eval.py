"""``studio eval``: compare built-in text-to-sprite models on a dataset's held-out concepts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studio.cli.folders import check_folder_option
from studio.cli.json_output import print_json

NAME = "eval"
MAX_EVAL_COUNT = 100_000
MAX_SCORER_STEPS = 1_000_000


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``studio eval``."""
    parser = subparsers.add_parser(
        NAME,
        help="compare built-in models on a dataset (FID, text fidelity, sample grids)",
        description=(
            "Generate one image per held-out caption of the dataset with fixed seeds for each "
            "model, then print the Frechet distance of EfficientNet-Lite0 features to the real "
            "held-out images, the text-image scorer's top-1/top-5 retrieval accuracy (with the "
            "real images' accuracy as the ceiling) and seconds per image, and write a sample "
            "grid PNG per model."
        ),
    )
    parser.add_argument("models", nargs="+", metavar="MODEL", help="built-in model id or folder")
    parser.add_argument("--data", type=Path, required=True, help="dataset folder")
    parser.add_argument("--count", type=int, default=256, help="held-out prompts (0 = all)")
    parser.add_argument("--seed", type=int, default=0, help="first seed; prompt i uses seed+i")
    parser.add_argument("--steps", type=int, default=25, help="sampling steps per image")
    parser.add_argument("--out", type=Path, default=Path("studio-eval"), help="grid folder")
    parser.add_argument("--device", help="cpu, cuda, cuda:1 ... (default: cuda if present)")
    parser.add_argument(
        "--scorer-steps", type=int, help="training steps of the scorer if it is not cached"
    )
    parser.add_argument(
        "--game",
        action="store_true",
        help="score the held-out game prompts instead: colour accuracy, seed diversity, alpha",
    )
    parser.add_argument(
        "--alpha",
        choices=("crisp", "soft"),
        default="crisp",
        help="alpha mode when sampling (crisp, the request default, or soft)",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the rows as JSON")
    output.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.set_defaults(handler=run_eval)


def run_eval(args: argparse.Namespace) -> int:
    """Evaluate the models ``args`` names and print the comparison."""
    from studio.domain.errors import InvalidRequestError
    from studio.train.evaluation.report import evaluate_models, format_markdown, format_table

    if not args.game and (args.count < 0 or args.count == 1):
        # A Frechet distance needs a covariance, so at least two images.
        raise InvalidRequestError("--count must be 0 (all held-out prompts) or at least 2.")
    _check_numbers(args)
    check_folder_option(args.out, "--out")
    if args.game:
        return _run_game(args)
    rows = evaluate_models(
        args.data,
        args.models,
        out_dir=args.out,
        count=args.count or None,
        seed=args.seed,
        steps=args.steps,
        device=args.device,
        scorer_steps=args.scorer_steps,
        log=lambda message: print(message, file=sys.stderr),
    )
    if args.json:
        print_json([row.to_dict() for row in rows])
    elif args.markdown:
        print(format_markdown(rows))
    else:
        print(format_table(rows))
    return 0


def _check_numbers(args: argparse.Namespace) -> None:
    """Refuse out-of-range numbers before the dataset is read or the scorer trains.

    Prompt ``i`` uses seed ``--seed + i``, so the seed is checked with room for the count.
    """
    from studio.domain.errors import InvalidRequestError
    from studio.domain.requests import MAX_SEED, MAX_STEPS

    ranges = (
        ("--count", args.count, 0, MAX_EVAL_COUNT),
        ("--seed", args.seed, 0, MAX_SEED - MAX_EVAL_COUNT),
        ("--steps", args.steps, 1, MAX_STEPS),
        ("--scorer-steps", args.scorer_steps, 1, MAX_SCORER_STEPS),
    )
    for flag, value, low, high in ranges:
        if value is not None and not low <= value <= high:
            raise InvalidRequestError(f"{flag} must be between {low} and {high:,}.")


def _run_game(args: argparse.Namespace) -> int:
    from studio.train.evaluation.game_metrics import evaluate_game, format_game_markdown

    rows = evaluate_game(
        args.data,
        args.models,
        out_dir=args.out,
        seed=args.seed,
        alpha=args.alpha,
        device=args.device,
        log=lambda message: print(message, file=sys.stderr),
    )
    if args.json:
        print_json([row.to_dict() for row in rows])
    else:
        print(format_game_markdown(rows))
    return 0
