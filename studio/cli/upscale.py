"""``studio upscale IMAGE -o OUT.png --model NAME|FILE|nearest``: a larger image, its recipe kept.

The same job the engine runs for the GUI and for batches (:mod:`studio.engine.upscale`), with a
progress bar per tile on stderr and Ctrl+C stopping between tiles.
"""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from typing import Any

from studio.cli.command import (
    Command,
    Group,
    arg,
    device_option,
    json_option,
    output_option,
    overwrite_option,
)

COMMAND = Command(
    "upscale",
    "enlarge an image with an upscaler model (ESRGAN...) or nearest neighbour",
    "Upscale with a model file spandrel knows (ESRGAN, Real-ESRGAN, SwinIR, HAT, DAT...), tiled "
    "so large images fit in memory, or with nearest neighbour for pixel art. Alpha is kept; with "
    "--tile the result still tiles.",
    args=(
        arg("input", type=Path, help="image to upscale"),
        output_option(),
        arg(
            "--model",
            required=True,
            help="nearest, an upscaler's name in your model folders, or its file "
            "(.pth, .safetensors)",
        ),
        arg("--scale", help="factor of the result, 1-16 (default: the model's own)"),
        arg("--tile", metavar="x|y|xy", help="the image tiles: keep it seamless"),
        overwrite_option("replace OUT.png if it exists"),
        json_option("print what was written as JSON"),
        device_option(),
    ),
)

# ``studio batch``'s ``--upscale NAME|FILE`` and ``--upscale-scale N``.
BATCH_UPSCALE_ARGUMENTS = Group(
    (
        arg("--upscale", metavar="NAME|FILE", help="nearest, an upscaler's name or file"),
        arg("--upscale-scale", type=int, metavar="N", help="the factor (the model's)"),
    ),
    title="upscaling every result",
)


def build_request(args: argparse.Namespace) -> Any:
    """The :class:`~studio.domain.upscale_request.UpscaleRequest` the command line asks for.

    The output and every option are checked before the image is read.
    """
    from studio.cli.export_inputs import parse_int
    from studio.domain.editing import parse_tile_mode
    from studio.domain.upscale_request import MAX_UPSCALE, UpscaleRequest
    from studio.imaging.decode import load_pixels
    from studio.ops.output import check_output_paths

    check_output_paths([args.output], overwrite=args.overwrite)
    scale = parse_int("--scale", args.scale, 1, MAX_UPSCALE, 0) or None
    tile_x, tile_y = parse_tile_mode(args.tile) if args.tile else (False, False)
    return UpscaleRequest(
        pixels=load_pixels(args.input, mode="RGBA"),
        model=args.model,
        scale=scale,
        tile_x=tile_x,
        tile_y=tile_y,
        name=args.input.name,
        source=_source(args.input),
    )


def check_upscaler(model: str, scale: int | None, *, ray: bool = False) -> None:
    """Refuse, before a batch makes its first image, an upscaler it could not use.

    Raises
    ------
    InvalidRequestError, ModelNotFoundError
        A factor out of range, ``--ray`` (the upscale runs on this machine's engine), or a
        name no model folder holds.
    """
    import numpy as np

    from studio.domain.errors import InvalidRequestError
    from studio.domain.model_kind import ModelKind
    from studio.domain.upscale_request import UpscaleRequest
    from studio.engine.addon_lookup import resolve_addon
    from studio.engine.registry import ModelRegistry
    from studio.project.settings import load_engine_settings

    if ray:
        raise InvalidRequestError("--upscale runs on this machine: drop --ray or --upscale.")
    request = UpscaleRequest(np.zeros((1, 1, 4), np.uint8), model=model, scale=scale)
    if not request.is_nearest:
        resolve_addon(ModelRegistry(load_engine_settings()[0]), ModelKind.UPSCALER, model)


def _source(path: Path) -> Any:
    """The input's own recipe, kept inside the result's (none when it carries none)."""
    from studio.domain.errors import MetadataError
    from studio.domain.image_requests import EditSource
    from studio.imaging.recipe import read_recipe

    try:
        recipe = read_recipe(path)
    except MetadataError:
        return EditSource()  # unreadable metadata is not the image: it is still upscaled
    kept: dict[str, str] = {k: recipe.raw[k] for k in ("parameters", "studio") if k in recipe.raw}
    return EditSource(prompt=recipe.prompt, recipe=kept)


@COMMAND.runs
def run(args: argparse.Namespace) -> int:
    from studio.cli.engine import open_engine
    from studio.cli.json_output import print_json
    from studio.cli.progress import ProgressPrinter
    from studio.imaging.result import encode_result
    from studio.ops.output import write_output

    request = build_request(args)
    engine = open_engine(COMMAND.name, args.device)
    cancel = threading.Event()
    previous_handler = signal.signal(signal.SIGINT, lambda *_: cancel.set())
    try:
        with ProgressPrinter(COMMAND.name, unit="tile") as bar:
            (image,) = engine.run(request, bar.update, cancel)
            write_output(args.output, encode_result(image).png)
    finally:
        signal.signal(signal.SIGINT, previous_handler)
        engine.close()
    facts = {
        "output": str(args.output),
        "width": image.width,
        "height": image.height,
        "upscaler": request.upscaler_name,
        "scale": image.extra["Postprocess upscale by"],
        "alpha": image.extra.get("Alpha", "none"),
        "seconds": round(image.elapsed_s, 3),
    }
    if args.json:
        print_json(facts)
    else:
        print(
            f"wrote {args.output} ({image.width}x{image.height}, {facts['upscaler']} "
            f"x{facts['scale']}, {facts['seconds']} s)"
        )
    return 0
