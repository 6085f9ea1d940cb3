"""``studio pixelate IMAGE -o OUT.png --palette NAME_OR_FILE``: palette-exact pixel art."""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.cli.command import Command, arg, output_option, overwrite_option

COMMAND = Command(
    "pixelate",
    "turn an image into pixel art on a palette",
    "Detect (or set) the pixel grid, downscale by k-centroid or nearest, map onto a "
    "palette with optional dithering, keep 1-bit alpha.",
    args=(
        arg("input", type=Path, help="image to pixelate"),
        output_option(),
        arg(
            "--palette",
            default="PICO-8",
            help="PICO-8, DB16, DB32, Endesga-32, Game Boy, NES, from-image, or a palette file",
        ),
        arg("--colors", help="with --palette from-image: how many (default 16)"),
        arg(
            "--dither",
            default="none",
            help="none, floyd-steinberg, bayer2, bayer4, bayer8 or atkinson (default none)",
        ),
        arg("--grid", help="art-pixel size in image pixels (default: detect)"),
        arg("--method", choices=("kcentroid", "nearest"), default="kcentroid"),
        arg("--alpha-threshold", help="alpha at or above this is opaque (128)"),
        arg("--outline", action="store_true", help="1-px outline, darkest colour"),
        arg("--scale", help="enlarge the result by 1-16 (nearest)"),
        arg("--save-palette", type=Path, help="also write the palette to this file"),
        overwrite_option("replace OUT.png (and the palette file)"),
    ),
)


@COMMAND.runs
def run(args: argparse.Namespace) -> int:
    from studio.cli.export_inputs import parse_int
    from studio.domain.image_requests import PixelateRequest
    from studio.domain.pixelate_options import PixelateOptions
    from studio.imaging.decode import load_pixels
    from studio.imaging.edits import run_image_request
    from studio.imaging.palettes import (
        PALETTE_SUFFIXES,
        off_palette_mask,
        palette_from_image,
        resolve_palette,
        write_palette,
    )
    from studio.imaging.result import encode_result
    from studio.ops.output import check_output_paths, write_output

    # Every output and every number is checked before the image is read; nothing is written
    # until both files exist in memory.
    check_output_paths([args.output], overwrite=args.overwrite)
    if args.save_palette is not None:
        check_output_paths([args.save_palette], overwrite=args.overwrite, suffixes=PALETTE_SUFFIXES)
    from_image = args.palette.strip().lower() in ("from-image", "image")
    count = parse_int("--colors", args.colors, 1, 256, 16)
    cell = parse_int("--grid", args.grid, 1, 256, 0) or None
    threshold = parse_int("--alpha-threshold", args.alpha_threshold, 1, 255, 128)
    scale = parse_int("--scale", args.scale, 1, 16, 1)
    palette = None if from_image else resolve_palette(args.palette)
    pixels = load_pixels(args.input)
    if palette is None:
        palette = palette_from_image(pixels, count, name=f"{args.input.stem} {count}")
    options = PixelateOptions(
        palette=palette,
        cell=cell,
        method=args.method,
        dither=args.dither,
        alpha_threshold=threshold,
        outline=args.outline,
        scale=scale,
    )
    request = PixelateRequest(pixels=pixels, options=options)
    # The same edit (and recipe) as the GUI's Pixelate: the PNG says how it was made.
    made = run_image_request(request)
    result, cell = made.pixels, made.extra["grid"]
    off = int(off_palette_mask(result, palette).sum())
    image = encode_result(made).png
    saved = None
    if args.save_palette is not None:
        saved = write_palette(palette, args.save_palette.suffix)
    write_output(args.output, image)
    if saved is not None:
        write_output(args.save_palette, saved)
    height, width = result.shape[:2]
    print(
        f"wrote {args.output} ({width}x{height}, grid {cell} px, {len(palette.colours)} colours "
        f"of {palette.name}, {off} off-palette pixels)"
    )
    return 0
