"""``studio generate "PROMPT" -o OUT.png``: text-to-image (and image-to-image) from a shell."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from studio.cli.edit_options import (
    add_edit_arguments,
    check_model_edits,
    edit_values,
    edited_size,
)
from studio.cli.engine import open_engine
from studio.cli.numbers import finite_float
from studio.cli.progress import ProgressPrinter
from studio.domain.errors import InvalidRequestError
from studio.domain.requests import MAX_BATCH, GenerationRequest, parse_size
from studio.domain.samplers import canonical_sampler_name
from studio.ops.output import check_output_paths, write_output

NAME = "generate"
TURBO_STEPS = 4
TURBO_CFG = 0.0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        NAME,
        help="generate images from a prompt",
        description="Generate images and write them as PNG files carrying their recipe.",
    )
    parser.add_argument("prompt", help="what to draw")
    parser.add_argument(
        "-o", "--output", required=True, type=Path, help="OUT.png (then OUT-2.png …)"
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace output files that already exist"
    )
    parser.add_argument("--negative", default="", help="negative prompt")
    parser.add_argument(
        "--model", default="", help="model id, name or path (default: the default model)"
    )
    parser.add_argument("--seed", type=int, help="seed (random when omitted; printed)")
    parser.add_argument("--steps", type=int, help="sampling steps")
    parser.add_argument("--cfg", type=finite_float, help="classifier-free guidance scale")
    parser.add_argument("--size", help="WIDTHxHEIGHT (default: the model's native size)")
    parser.add_argument("--sampler", help="sampler, e.g. 'Euler a', 'DPM++ 2M Karras'")
    parser.add_argument("--count", type=int, default=1, help="number of images (seeds follow)")
    parser.add_argument("--init", type=Path, help="init image for image-to-image")
    parser.add_argument(
        "--strength", type=finite_float, help="with --init: how much to repaint (0-1)"
    )
    parser.add_argument(
        "--alpha",
        choices=("crisp", "soft"),
        default="crisp",
        help="built-in sprite models: crisp (default) snaps alpha to 0/1, no halo on a game "
        "background; soft keeps the model's anti-aliased edges",
    )
    parser.add_argument("--project", type=Path, help="also add the images to this .studio project")
    parser.add_argument("--device", choices=("auto", "cuda", "mps", "cpu"), help="compute device")
    add_edit_arguments(parser)
    parser.set_defaults(handler=run)


def build_request(args: argparse.Namespace, model_info) -> GenerationRequest:
    """Combine the command line with the model's defaults into a validated request."""
    if args.strength is not None and args.init is None:
        raise InvalidRequestError("--strength only applies with --init IMAGE.")
    sampler = canonical_sampler_name(args.sampler) if args.sampler else None
    init_png = None
    if args.init is not None:
        from studio.imaging.decode import load_pixels
        from studio.imaging.png import encode_png

        # Alpha is kept: built-in sprites inpaint in RGBA; SD flattens onto white itself.
        init_png = encode_png(load_pixels(args.init, mode="RGBA"))
    default_size = edited_size(args, init_png) or model_info.default_size
    width, height = parse_size(args.size) if args.size else default_size
    edits = edit_values(args, init_png)
    inpainting = "mask_image" in edits
    turbo = model_info.is_turbo
    values = {
        "prompt": args.prompt,
        "negative_prompt": args.negative,
        "model": model_info.id,
        "steps": args.steps if args.steps is not None else (TURBO_STEPS if turbo else 25),
        "cfg_scale": args.cfg if args.cfg is not None else (TURBO_CFG if turbo else 7.0),
        "width": width,
        "height": height,
        "seed": args.seed,
        "batch_count": args.count,
        "init_image": init_png,
        "strength": args.strength if args.strength is not None else (1.0 if inpainting else 0.75),
        "alpha": args.alpha,
        **edits,
    }
    if sampler:
        values["sampler"] = sampler
    return GenerationRequest(**values)


def run(args: argparse.Namespace) -> int:
    from studio.imaging.filenames import numbered_output_paths
    from studio.imaging.result import encode_result
    from studio.ops.commit import commit_result

    if args.output.suffix.lower() != ".png":
        raise InvalidRequestError(f"Output {args.output} must end in .png.")
    if not 1 <= args.count <= MAX_BATCH:
        # Counted before a file name is made: --count 1000000000 built a billion paths.
        raise InvalidRequestError(f"--count {args.count} is out of range: use 1 to {MAX_BATCH}.")
    # Before the model loads: a name that cannot be written must not cost a generation.
    check_output_paths(numbered_output_paths(args.output, args.count), overwrite=args.overwrite)
    if not args.prompt.strip():
        print(
            "studio generate: warning: the prompt is empty; the model draws whatever it likes.",
            file=sys.stderr,
        )
    engine = open_engine(NAME, args.device)
    try:
        model_info = engine.resolve_model(args.model)
        request = build_request(args, model_info).resolved()
        # The GUI's edit table, before the model loads, in the command line's words.
        check_model_edits(args, request, model_info)
        outputs = numbered_output_paths(args.output, request.batch_count)
        project = _open_project(args.project)
        cancel = threading.Event()
        previous_handler = signal.signal(signal.SIGINT, lambda *_: cancel.set())
        try:
            with ProgressPrinter(f"{model_info.name}") as progress:
                for image in engine.run(request, progress.update, cancel):
                    result = encode_result(image)
                    write_output(outputs[image.index], result.png)
                    if project is not None:
                        commit_result(project, result)
                    seed = getattr(image.request, "seed", None)  # a generation's, always here
                    progress.write(f"wrote {outputs[image.index]} (seed {seed})")
                    for text in image.warnings:
                        progress.write(f"warning: {text}")
        finally:
            signal.signal(signal.SIGINT, previous_handler)
            if project is not None:
                project.close()
    finally:
        engine.close()
    return 0


def _open_project(path: Path | None):
    if path is None:
        return None
    from studio.project.store import ProjectStore

    return ProjectStore.open(path) if path.exists() else ProjectStore.create(path)
