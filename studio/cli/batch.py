"""``studio batch SPEC -o PROJECT.studio|DIR``: a set of images, resumable, local or on Ray."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from studio.cli.batch_inputs import init_reader, read_spec, wildcard_lookup
from studio.cli.engine import open_engine
from studio.domain.batch_items import BatchItem, build_items
from studio.domain.batch_spec import SpecContext, parse_spec
from studio.domain.errors import InvalidRequestError, JobCancelled
from studio.domain.requests import parse_size, random_seed
from studio.domain.samplers import canonical_sampler_name

NAME = "batch"
INTERRUPTED = 130


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        NAME,
        help="generate a set of images from a template or a CSV/JSONL of requests",
        description=(
            "Expand SPEC (a template such as '{red|green} {potion|sword}', a .txt file of "
            "templates, or a .csv/.jsonl of requests) and commit each image as it lands. "
            "Interrupted? Run the same command with --resume."
        ),
    )
    parser.add_argument("spec", help="template text, or a .txt, .csv or .jsonl file")
    parser.add_argument(
        "-o", "--output", type=Path, help="PROJECT.studio or a folder (PNG + recipe each)"
    )
    parser.add_argument("--seed", type=int, help="batch seed; each item's seed derives from it")
    parser.add_argument("--resume", action="store_true", help="continue a batch in OUTPUT")
    parser.add_argument("--dry-run", action="store_true", help="list the prompts and the count")
    parser.add_argument("--per-prompt", type=int, default=1, help="images of each prompt")
    parser.add_argument("--wildcards", type=Path, help="folder of NAME.txt files for __NAME__")
    parser.add_argument("--negative", help="negative prompt for every item")
    parser.add_argument("--model", default="", help="model id, name or path")
    parser.add_argument("--steps", type=int, help="sampling steps")
    parser.add_argument("--cfg", type=float, help="classifier-free guidance scale")
    parser.add_argument("--size", help="WIDTHxHEIGHT (default: the model's native size)")
    parser.add_argument("--sampler", help="sampler, e.g. 'Euler a'")
    parser.add_argument("--device", choices=("auto", "cuda", "mps", "cpu"), help="compute device")
    parser.add_argument(
        "--ray",
        metavar="auto|ADDRESS",
        help="run on a Ray cluster ('auto': the running one or a local one)",
    )
    parser.add_argument(
        "--actors", type=int, help="with --ray: actors (default one per GPU or node)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    text, source, base = read_spec(args.spec)
    if args.output is None and not args.dry_run:
        raise InvalidRequestError("Give -o PROJECT.studio or -o FOLDER (or --dry-run to preview).")
    output = None if args.dry_run else _open_output(args.output)
    try:
        seed = _batch_seed(args, output)
        engine, defaults = _engine_and_defaults(args)
        try:
            lookup = wildcard_lookup(args.wildcards, base)
            context = SpecContext(defaults, seed, lookup, init_reader(base))
            items = build_items(parse_spec(text, source, context), seed)
            if output is None:
                return _preview(items, seed)
            return _run(args, items, output, engine, seed, source)
        finally:
            if engine is not None:
                engine.close()
    finally:
        if output is not None:
            output.close()


def _run(args, items: list[BatchItem], output, engine, seed: int, source: str) -> int:
    from studio.cli.batch_runner import LocalExecutor, run_batch

    if args.ray:
        from studio.cli.batch_ray import RayExecutor

        executor = RayExecutor(args.ray, actors=args.actors, device=args.device or "auto")
    else:
        executor = LocalExecutor(engine)
    print(f"batch of {len(items)} images, seed {seed}", file=sys.stderr)
    cancel = threading.Event()
    # Locally the engine stops within one step once cancel is set; a Ray driver waits on the
    # cluster, so there the interrupt itself has to break the wait.
    previous = signal.signal(signal.SIGINT, _interrupt_handler(cancel, at_once=bool(args.ray)))
    try:
        report = run_batch(items, output, executor, seed, spec=source, cancel=cancel, say=print)
    except (JobCancelled, KeyboardInterrupt):
        report = None
    finally:
        signal.signal(signal.SIGINT, previous)
        close = getattr(executor, "close", None)
        if close is not None:
            close()
    resume = f"studio batch {args.spec!r} -o {args.output} --resume"
    if report is None or cancel.is_set():
        print(f"studio batch: interrupted; every finished image is kept: {resume}", file=sys.stderr)
        return INTERRUPTED
    print(
        f"done: {report.made} made, {report.skipped} already there, {len(report.failed)} failed "
        f"({report.images_per_second:.2f} images/s)",
        file=sys.stderr,
    )
    if report.failed:
        print(
            f"studio batch: {len(report.failed)} failed; retry them with: {resume}", file=sys.stderr
        )
        return 1
    return 0


def _interrupt_handler(cancel: threading.Event, *, at_once: bool):
    def handler(*_args) -> None:
        stop_now = at_once or cancel.is_set()  # a second Ctrl+C stops at once
        cancel.set()
        if stop_now:
            raise KeyboardInterrupt

    return handler


def _open_output(path: Path):
    from studio.cli.batch_outputs import open_output

    return open_output(path)


def _batch_seed(args: argparse.Namespace, output) -> int:
    stored = output.stored_seed() if output is not None else None
    if args.resume:
        if stored is None:
            raise InvalidRequestError(
                f"{args.output} holds no batch to resume; run without --resume to start one."
            )
        if args.seed is not None and args.seed != stored:
            raise InvalidRequestError(
                f"{args.output} holds the batch of seed {stored}, not {args.seed}: "
                "drop --seed to resume it."
            )
        return stored
    if stored is not None and output.done_ids(stored):
        raise InvalidRequestError(
            f"{args.output} already holds a batch: add --resume to continue it, "
            "or choose another output."
        )
    return args.seed if args.seed is not None else random_seed()


def _engine_and_defaults(args: argparse.Namespace):
    """The local engine (None with --ray) and the request defaults the options give."""
    defaults: dict[str, object] = {"batch_count": args.per_prompt}
    if args.negative is not None:
        defaults["negative_prompt"] = args.negative
    if args.sampler:
        defaults["sampler"] = canonical_sampler_name(args.sampler)
    if args.steps is not None:
        defaults["steps"] = args.steps
    if args.cfg is not None:
        defaults["cfg_scale"] = args.cfg
    from studio.cli.generate import TURBO_CFG, TURBO_STEPS

    engine = open_engine(NAME, args.device)
    try:
        info = engine.resolve_model(args.model)
    except Exception:
        engine.close()
        if not args.ray or not args.model:
            raise
        # The cluster's nodes may hold a model this machine does not: they resolve it.
        info = None
    if info is not None:
        defaults["model"] = info.id
        defaults.setdefault("steps", TURBO_STEPS if info.is_turbo else 25)
        defaults.setdefault("cfg_scale", TURBO_CFG if info.is_turbo else 7.0)
        defaults["width"], defaults["height"] = info.default_size
    else:
        defaults["model"] = args.model
    if args.size:
        defaults["width"], defaults["height"] = parse_size(args.size)
    if args.ray:
        engine.close()
        return None, defaults
    return engine, defaults


def _preview(items: list[BatchItem], seed: int) -> int:
    for item in items:
        print(f"{item.id}  seed {item.request.seed:>10}  {item.request.prompt}")
    print(f"{len(items)} images (batch seed {seed})", file=sys.stderr)
    return 0
