"""``studio tile IMAGE -o OUT``: make an image tile seamlessly (offset, repair the cross, back).

Without ``--model`` the cross is covered by a feathered blend with the un-offset image, which
already removes the seam; with a model that can inpaint (Stable Diffusion, builtin-diffusion)
the cross is then repainted at ``--strength`` with the model's convolutions wrapping too.
"""

from __future__ import annotations

import argparse
import hashlib
import threading
from pathlib import Path

import numpy as np

from studio.cli.command import Command, arg, device_option, output_file
from studio.cli.engine import open_engine
from studio.domain.editing import DEFAULT_SEAMLESS_STRENGTH, SeamlessRequest, parse_tile_mode
from studio.domain.errors import ImageReadError, InvalidRequestError
from studio.domain.files import read_user_bytes
from studio.ops.output import check_output_paths, write_output

SIDE_MULTIPLE = 8
# The source is hashed for the recipe and decoded from the same bytes (one read, no race);
# a 4096 x 4096 image (seamless.MAX_PIXELS) is far below this in any format Studio reads.
MAX_SOURCE_BYTES = 256 * 1024 * 1024


COMMAND = Command(
    "tile",
    "make an image tile seamlessly",
    "Offset IMAGE by half, repair the seam cross, offset it back; write OUT.png.",
    args=(
        arg("image", type=Path, help="image to make seamless"),
        *output_file(),
        arg("--axes", default="xy", help="x, y or xy (default xy)"),
        arg("--band", type=int, default=0, help="width of the repaired cross (auto)"),
        arg("--model", default="", help="inpaint the cross with this model"),
        arg("--prompt", default="", help="with --model: what the texture shows"),
        arg("--seed", type=int, help="with --model: seed of the inpaint"),
        arg(
            "--strength",
            type=float,
            default=DEFAULT_SEAMLESS_STRENGTH,
            help="with --model: how much of the cross is repainted (0-1)",
        ),
        device_option(),
    ),
)


@COMMAND.runs
def run(args: argparse.Namespace) -> int:
    from studio.domain.results import GeneratedImage
    from studio.imaging.decode import load_pixels
    from studio.imaging.recipe_chunks import encode_result_png
    from studio.imaging.seamless import MAX_PIXELS, check_seamless_input, repair_seams
    from studio.imaging.seams import seam_scores

    # Everything that can be refused is refused before the model loads and before any pixel.
    check_output_paths([args.output], overwrite=args.overwrite)
    tile_x, tile_y = parse_tile_mode(args.axes)
    name = str(args.image)
    source = read_user_bytes(
        args.image, max_bytes=MAX_SOURCE_BYTES, what="image", error=ImageReadError
    )
    pixels = load_pixels(source, mode="RGB", max_pixels=MAX_PIXELS, name=name)
    height, width = pixels.shape[:2]
    band = check_seamless_input(
        height, width, args.band, tile_x, tile_y, name=name, option="--band"
    )
    request = SeamlessRequest(
        source_sha256=hashlib.sha256(source).hexdigest(),
        tile_x=tile_x,
        tile_y=tile_y,
        band=args.band,
        model=args.model,
        prompt=args.prompt or ("seamless texture" if args.model else ""),
        seed=(args.seed if args.seed is not None else 0) if args.model else None,
        strength=args.strength,
    )
    if args.model:
        # The job's own checks (seed, prompt, the models' size range) before the model loads.
        try:
            _inpaint_job(request, args.model, width, height)
        except InvalidRequestError as error:
            raise InvalidRequestError(f"{name} with --model: {error}") from None
    engine = open_engine(COMMAND.name, args.device) if args.model else None
    try:
        inpaint = _inpainter(engine, request) if engine is not None else None
        repair = repair_seams(pixels, band, inpaint, tile_x, tile_y)
    finally:
        if engine is not None:
            engine.close()
    out = repair.pixels
    before, after = seam_scores(pixels), seam_scores(out)
    extra: dict[str, object] = {"Seam score X": after["x"], "Seam score Y": after["y"]}
    if repair.model_dropped:
        extra["Model repaint"] = f"dropped: seam score {repair.model_score:.2f}"
        print(
            f"{args.model}'s repaint made the seam worse (score {repair.model_score:.2f} "
            f"against {repair.plain_score:.2f}); kept the plain seamless result"
        )
    image = GeneratedImage(request=request, pixels=out, kind="tile", extra=extra,
                           model_name=args.model)  # fmt: skip
    write_output(args.output, encode_result_png(image))
    print(
        f"wrote {args.output} (seam score x {before['x']:.2f} -> {after['x']:.2f}, "
        f"y {before['y']:.2f} -> {after['y']:.2f})"
    )
    return 0


def _inpaint_job(request: SeamlessRequest, model_id: str, width: int, height: int, **images):
    """The job that repaints the cross of a ``width`` x ``height`` image (images as keywords)."""
    from studio.domain.requests import GenerationRequest

    return GenerationRequest(
        prompt=request.prompt,
        model=model_id,
        width=max(width - width % SIDE_MULTIPLE, SIDE_MULTIPLE),
        height=max(height - height % SIDE_MULTIPLE, SIDE_MULTIPLE),
        seed=request.seed,
        mask_blur=0,  # the cross mask is feathered already
        strength=request.strength,
        tile_x=request.tile_x,
        tile_y=request.tile_y,
        **images,
    )


def _inpainter(engine, request: SeamlessRequest):
    """An inpaint step for :func:`repair_seams` that runs ``request.model`` on the cross."""
    from studio.imaging.masks import encode_mask_png
    from studio.imaging.png import encode_png

    info = engine.resolve_model(request.model)

    def inpaint(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
        height, width = image.shape[:2]
        job = _inpaint_job(
            request,
            info.id,
            width,
            height,
            init_image=encode_png(image),
            mask_image=encode_mask_png(mask),
        )
        (result,) = engine.run(job, lambda _update: None, threading.Event())
        return _resized(result.pixels[..., :3], width, height)

    return inpaint


def _resized(pixels: np.ndarray, width: int, height: int) -> np.ndarray:
    if pixels.shape[:2] == (height, width):
        return pixels
    from PIL import Image

    image = Image.fromarray(np.ascontiguousarray(pixels))
    return np.asarray(image.resize((width, height), Image.Resampling.LANCZOS))
