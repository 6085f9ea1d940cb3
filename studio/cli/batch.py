"""``studio batch SPEC -o PROJECT.studio|DIR``: a set of images, resumable, local or on Ray."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from functools import partial
from pathlib import Path

from studio.cli.batch_inputs import init_reader, read_spec, wildcard_lookup
from studio.cli.command import Command, arg, device_option, output_option
from studio.cli.engine import open_engine
from studio.cli.upscale import BATCH_UPSCALE_ARGUMENTS
from studio.domain.batch_items import BatchItem, build_items
from studio.domain.batch_spec import SpecContext, parse_spec
from studio.domain.errors import InvalidRequestError, JobCancelled
from studio.domain.request_limits import parse_size, random_seed
from studio.domain.samplers import canonical_sampler_name
from studio.ops.request_defaults import complete_request

INTERRUPTED = 130


COMMAND = Command(
    "batch",
    "generate a set of images from a template or a CSV/JSONL of requests",
    "Expand SPEC (a template such as '{red|green} {potion|sword}', a .txt file of "
    "templates, or a .csv/.jsonl of requests) and commit each image as it lands. "
    "The output stores the spec and options: interrupted, 'studio batch -o OUTPUT "
    "--resume' finishes the same batch.",
    args=(
        arg(
            "spec",
            nargs="?",
            help="template text, or a .txt, .csv or .jsonl file (with --resume: the stored one)",
        ),
        output_option("PROJECT.studio or a folder (PNG + recipe each)", required=False),
        arg("--seed", type=int, help="batch seed; each item's seed derives from it"),
        arg(
            "--resume",
            action="store_true",
            help="finish the batch in OUTPUT with the spec and options stored there",
        ),
        arg("--dry-run", action="store_true", help="list the prompts and the count"),
        # The options that shape items default to None, so a --resume can tell an option the
        # command gives (compared with the stored one) from one it leaves out (taken from it).
        arg("--per-prompt", type=int, help="images of each prompt (default 1)"),
        arg("--wildcards", type=Path, help="folder of NAME.txt files for __NAME__"),
        arg("--negative", help="negative prompt for every item"),
        arg("--model", help="model id, name or path"),
        arg("--steps", type=int, help="sampling steps"),
        arg("--cfg", type=float, help="classifier-free guidance scale"),
        arg("--size", help="WIDTHxHEIGHT (default: the model's native size)"),
        arg("--sampler", help="sampler, e.g. 'Euler a'"),
        device_option(),
        arg(
            "--ray",
            metavar="auto|ADDRESS",
            help="run on a Ray cluster ('auto': the running one or a local one)",
        ),
        arg("--actors", type=int, help="with --ray: actors (default one per GPU or node)"),
        BATCH_UPSCALE_ARGUMENTS,
    ),
)


@COMMAND.runs
def run(args: argparse.Namespace) -> int:
    if args.output is None and not args.dry_run:
        raise InvalidRequestError("Give -o PROJECT.studio or -o FOLDER (or --dry-run to preview).")
    if args.resume and args.output is None:
        raise InvalidRequestError("--resume needs -o: the project or folder of the batch.")
    # Every check (output, options, spec, model) runs before the output is created; a run
    # refused later, before its first image, removes what it created.
    output = None if args.output is None else _open_output(args.output)
    try:
        stored = output.stored() if output is not None else None
        args = _batch_options(args, stored)
        seed = _batch_seed(args, stored, output)
        text, source, base = read_spec(args.spec)
        engine, defaults = _engine_and_defaults(args)
        try:
            lookup = wildcard_lookup(args.wildcards, base)
            context = SpecContext(defaults, seed, lookup, init_reader(base), base)
            items = build_items(parse_spec(text, source, context), seed)
            _check_same_items(args, stored, items)
            if args.dry_run:
                return _preview(items, seed, chosen_here=args.seed is None and not args.resume)
            return _run(args, items, output, engine, seed, source)
        finally:
            if engine is not None:
                engine.close()
    except BaseException:
        if output is not None:
            output.discard_if_empty()
        raise
    finally:
        if output is not None:
            output.close()


def _run(args, items: list[BatchItem], output, engine, seed: int, source: str) -> int:
    from studio.cli.batch_options import item_options, resume_command
    from studio.cli.batch_progress import BatchPrinter
    from studio.ops.batch.runner import Executor, LocalExecutor, execute_batch, prepare_batch

    printer = BatchPrinter()
    plan = prepare_batch(
        items, output, seed, spec=source, options=item_options(args), events=printer
    )
    executor: Executor
    if args.ray:
        from studio.ops.batch.ray import RayExecutor

        executor = RayExecutor(
            args.ray,
            partial(open_engine, COMMAND.name),
            actors=args.actors,
            device=args.device or "auto",
        )
    else:
        executor = LocalExecutor(engine)
    if args.upscale:
        from studio.ops.batch.upscaled import UpscalingExecutor

        executor = UpscalingExecutor(executor, engine, args.upscale, args.upscale_scale)
    # From here on the batch runs: an output kept even when empty, since --resume needs it.
    output.keep()
    print(f"batch of {len(items)} images, seed {seed}", file=sys.stderr)
    cancel = threading.Event()
    # Locally the engine stops within one step once cancel is set; a Ray driver waits on the
    # cluster, so there the interrupt itself has to break the wait.
    previous = signal.signal(signal.SIGINT, _interrupt_handler(cancel, at_once=bool(args.ray)))
    try:
        with printer:
            report = execute_batch(plan, executor, cancel=cancel, events=printer)
    except (JobCancelled, KeyboardInterrupt):
        report = None
    finally:
        signal.signal(signal.SIGINT, previous)
        close = getattr(executor, "close", None)
        if close is not None:
            close()
    # The output stores the spec and every option that shapes the items, so this is enough.
    resume = resume_command(args)
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
    from studio.ops.batch.outputs import open_output

    return open_output(path)


def _batch_options(args: argparse.Namespace, stored) -> argparse.Namespace:
    """The command's options, completed from the stored batch on --resume."""
    from studio.cli.batch_options import fresh, merge_for_resume

    if not args.resume:
        return fresh(args)
    if stored is None:
        raise InvalidRequestError(
            f"{args.output} holds no batch to resume; run without --resume to start one."
        )
    return merge_for_resume(args, stored.options, args.output)


def _batch_seed(args: argparse.Namespace, stored, output) -> int:
    """The batch seed: the stored one on --resume, else --seed or a new random one.

    The dry run goes through here too, so it shows the seeds the real run will use.
    """
    if args.resume:
        if args.seed is not None and args.seed != stored.seed:
            raise InvalidRequestError(
                f"{args.output} holds the batch of seed {stored.seed}, not {args.seed}: "
                "drop --seed to resume it."
            )
        return stored.seed
    if stored is not None and output.holds_images(stored.seed):
        raise InvalidRequestError(
            f"{args.output} already holds a batch: add --resume to continue it, "
            "or choose another output."
        )
    return args.seed if args.seed is not None else random_seed()


def _check_same_items(args: argparse.Namespace, stored, items: list[BatchItem]) -> None:
    from studio.ops.batch.records import items_digest

    if not args.resume or stored.items_digest in (None, items_digest(items)):
        return
    raise InvalidRequestError(
        f"The spec, a file it reads (wildcards, init images) or the default model changed "
        f"since the batch in {args.output} began, so it would make other images: restore "
        "them to resume, or start a new batch in another output."
    )


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
    if args.size:
        # Read before the engine opens: a typo must not leave it open behind the error.
        defaults["width"], defaults["height"] = parse_size(args.size)
    engine = open_engine(COMMAND.name, args.device)
    try:
        info = engine.resolve_model(args.model)
    except Exception:
        engine.close()
        if not args.ray or not args.model:
            raise
        # The cluster's nodes may hold a model this machine does not: they resolve it.
        info = None
    if info is not None:
        # The model's own defaults fill what the options leave out, as in the GUI and
        # `studio generate`.
        defaults = complete_request(defaults, info)
    else:
        defaults["model"] = args.model
    if args.ray:
        engine.close()
        return None, defaults
    return engine, defaults


def _preview(items: list[BatchItem], seed: int, *, chosen_here: bool) -> int:
    for item in items:
        print(f"{item.id}  seed {item.request.seed:>10}  {item.request.prompt}")
    # A seed drawn for this preview is not the one a later run draws: say how to keep it.
    keep = f"; add --seed {seed} to make exactly these" if chosen_here else ""
    print(f"{len(items)} images (batch seed {seed}){keep}", file=sys.stderr)
    return 0
