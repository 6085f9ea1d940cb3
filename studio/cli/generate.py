"""``studio generate "PROMPT" -o OUT.png``: text-to-image (and image-to-image) from a shell."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from studio.cli.command import Command, arg, device_option, output_file
from studio.cli.control_options import CONTROL_ARGUMENTS, control_values
from studio.cli.edit_options import (
    EDIT_ARGUMENTS,
    check_model_edits,
    edit_values,
    edited_size,
)
from studio.cli.engine import open_engine
from studio.cli.generation_request import generation_request
from studio.cli.hires_options import HIRES_ARGUMENTS, asks_hires, hires_values
from studio.cli.numbers import finite_float
from studio.cli.progress import ProgressPrinter
from studio.cli.reference_options import REFERENCE_ARGUMENTS, reference_values
from studio.domain.errors import InvalidRequestError, ModelNotFoundError
from studio.domain.models import ModelFamily, ModelInfo, ModelSource
from studio.domain.request_limits import MAX_BATCH, parse_size
from studio.domain.requests import GenerationRequest
from studio.domain.samplers import MAX_STEP_CACHE, canonical_sampler_name
from studio.domain.transparency import NATIVE, TRANSPARENT_MODES, native_problem
from studio.ops.output import check_output_paths, write_output
from studio.ops.request_defaults import few_step_note

COMMAND = Command(
    "generate",
    "generate images from a prompt",
    "Generate images and write them as PNG files carrying their recipe.",
    args=(
        arg("prompt", help="what to draw"),
        *output_file(
            "OUT.png (then OUT-2.png …)", overwrite="replace output files that already exist"
        ),
        arg("--negative", default="", help="negative prompt"),
        arg("--model", default="", help="model id, name or path (default: the default model)"),
        arg("--seed", type=int, help="seed (random when omitted; printed)"),
        arg("--steps", type=int, help="sampling steps"),
        arg("--cfg", type=finite_float, help="classifier-free guidance scale"),
        arg("--size", help="WIDTHxHEIGHT (default: the model's native size)"),
        arg("--sampler", help="sampler, e.g. 'Euler a', 'DPM++ 2M Karras'"),
        arg("--count", type=int, default=1, help="number of images (seeds follow)"),
        arg("--init", type=Path, help="init image for image-to-image"),
        arg(
            "--strength",
            "--denoise",
            type=finite_float,
            help="with --init or hires fix: how much to repaint (0-1), A1111's denoising strength",
        ),
        arg(
            "--alpha",
            choices=("crisp", "soft"),
            default="crisp",
            help="built-in sprite models: crisp (default) snaps alpha to 0/1, no halo on a game "
            "background; soft keeps the model's anti-aliased edges",
        ),
        arg(
            "--transparent",
            choices=TRANSPARENT_MODES,
            help="Stable Diffusion: a transparent background, native (your LayerDiffuse files) "
            "or matte (a flat key colour matted out)",
        ),
        arg("--project", type=Path, help="also add the images to this .studio project"),
        arg(
            "--step-cache",
            type=int,
            metavar="N",
            help="Stable Diffusion: run the full UNet every N steps and reuse its deep features "
            f"between (2-{MAX_STEP_CACHE}; faster, slightly different image; 0 or 1: off)",
        ),
        arg(
            "--fast",
            action="store_true",
            help="Stable Diffusion: compile the UNet and VAE decoder (the first image pays the "
            "compile time; on a CPU it often costs more than it saves)",
        ),
        device_option(),
        EDIT_ARGUMENTS,
        HIRES_ARGUMENTS,
        CONTROL_ARGUMENTS,
        REFERENCE_ARGUMENTS,
    ),
)


def build_request(args: argparse.Namespace, model_info: ModelInfo) -> GenerationRequest:
    """Combine the command line with the model's defaults into a validated request.

    What the command line leaves out comes from the model's defaults
    (:func:`studio.cli.generation_request.generation_request`).
    """
    if args.strength is not None and args.init is None and not asks_hires(args):
        raise InvalidRequestError("--strength only applies with --init IMAGE or --hires-scale N.")
    sampler = canonical_sampler_name(args.sampler) if args.sampler else None
    init_png = None
    if args.init is not None:
        from studio.imaging.decode import load_pixels
        from studio.imaging.png import encode_png

        # Alpha is kept: built-in sprites inpaint in RGBA; SD flattens onto white itself.
        init_png = encode_png(load_pixels(args.init, mode="RGBA"))
    # An inpaint works at the source image's size unless --size says otherwise.
    size = parse_size(args.size) if args.size else edited_size(args, init_png)
    edits = edit_values(args, init_png)
    inpainting = "mask_image" in edits
    fields = {
        "sampler": sampler,
        "cfg_scale": args.cfg,
        "batch_count": args.count,
        "init_image": init_png,
        "strength": args.strength if args.strength is not None else (1.0 if inpainting else 0.75),
        "alpha": args.alpha,
        "transparent": args.transparent,
        "step_cache": _step_cache(args, model_info),
        **edits,
        **hires_values(args),
        **control_values(args),
        **reference_values(args),
    }
    return generation_request(args, model_info, args.prompt, size, fields)


@COMMAND.runs
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
    engine = open_engine(COMMAND.name, args.device, fast=args.fast)
    try:
        model_info = engine.resolve_model(args.model)
        request = build_request(args, model_info).resolved()
        _say_few_step_preset(args, model_info)
        # The GUI's edit table, before the model loads, in the command line's words.
        check_model_edits(args, request, model_info)
        if request.transparent == NATIVE:  # the files named before the model loads
            problem = native_problem(engine.list_addons(), model_info.family)
            if problem is not None:
                raise ModelNotFoundError(problem)
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


def _say_few_step_preset(args: argparse.Namespace, model_info: ModelInfo) -> None:
    # The steps and CFG changed from what the user is used to: one line says why.
    given = {"prompt": args.prompt, "sampler": args.sampler, "steps": args.steps,
             "cfg_scale": args.cfg}  # fmt: skip
    note = few_step_note(given, model_info)
    if note is not None:
        print(f"studio generate: note: {note}", file=sys.stderr)


def _step_cache(args: argparse.Namespace, model_info: ModelInfo) -> int | None:
    """``--step-cache`` as given; refused for a built-in model, which has no UNet to cache."""
    builtin = model_info.family is ModelFamily.BUILTIN or model_info.source is ModelSource.BUILTIN
    if args.step_cache and builtin:
        raise InvalidRequestError(
            f"--step-cache applies to Stable Diffusion models; {model_info.name} is built in."
        )
    return args.step_cache


def _open_project(path: Path | None):
    if path is None:
        return None
    from studio.project.store import ProjectStore

    return ProjectStore.open(path) if path.exists() else ProjectStore.create(path)
