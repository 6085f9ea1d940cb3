"""``studio pixelate IMAGE -o OUT.png --palette NAME_OR_FILE``: palette-exact pixel art."""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.domain.errors import InvalidRequestError

NAME = "pixelate"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        NAME,
        help="turn an image into pixel art on a palette",
        description=(
            "Detect (or set) the pixel grid, downscale by k-centroid or nearest, map onto a "
            "palette with optional dithering, keep 1-bit alpha."
        ),
    )
    parser.add_argument("input", type=Path, help="image to pixelate")
    parser.add_argument("-o", "--output", type=Path, required=True, help="OUT.png")
    parser.add_argument(
        "--palette",
        default="PICO-8",
        help="PICO-8, DB16, DB32, Endesga-32, Game Boy, NES, from-image, or a palette file",
    )
    parser.add_argument("--colors", help="with --palette from-image: how many (default 16)")
    parser.add_argument(
        "--dither",
        default="none",
        help="none, floyd-steinberg, bayer2, bayer4, bayer8 or atkinson (default none)",
    )
    parser.add_argument("--grid", help="art-pixel size in image pixels (default: detect)")
    parser.add_argument("--method", choices=("kcentroid", "nearest"), default="kcentroid")
    parser.add_argument("--alpha-threshold", help="alpha at or above this is opaque (128)")
    parser.add_argument("--outline", action="store_true", help="1-px outline, darkest colour")
    parser.add_argument("--scale", help="enlarge the result by 1-16 (nearest)")
    parser.add_argument("--save-palette", type=Path, help="also write the palette to this file")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from studio.cli.export_inputs import parse_int
    from studio.imaging.atomic import atomic_write_bytes
    from studio.imaging.decode import load_pixels
    from studio.imaging.palettes import (
        off_palette_mask,
        palette_from_image,
        resolve_palette,
        write_palette,
    )
    from studio.imaging.pixelart import PixelateOptions, pixelate
    from studio.imaging.png import encode_png

    if args.output.suffix.lower() != ".png":
        raise InvalidRequestError(f"Output {args.output} must end in .png.")
    if not args.output.absolute().parent.exists():
        raise InvalidRequestError(f"Output folder {args.output.parent} does not exist.")
    pixels = load_pixels(args.input)
    if args.palette.strip().lower() in ("from-image", "image"):
        count = parse_int("--colors", args.colors, 1, 256, 16)
        palette = palette_from_image(pixels, count, name=f"{args.input.stem} {count}")
    else:
        palette = resolve_palette(args.palette)
    options = PixelateOptions(
        palette=palette,
        cell=parse_int("--grid", args.grid, 1, 256, 0) or None,
        method=args.method,
        dither=args.dither,
        alpha_threshold=parse_int("--alpha-threshold", args.alpha_threshold, 1, 255, 128),
        outline=args.outline,
        scale=parse_int("--scale", args.scale, 1, 16, 1),
    )
    result, cell = pixelate(pixels, options)
    off = int(off_palette_mask(result, palette).sum())
    atomic_write_bytes(args.output, encode_png(result))
    if args.save_palette is not None:
        atomic_write_bytes(args.save_palette, write_palette(palette, args.save_palette.suffix))
    height, width = result.shape[:2]
    print(
        f"wrote {args.output} ({width}x{height}, grid {cell} px, {len(palette.colours)} colours "
        f"of {palette.name}, {off} off-palette pixels)"
    )
    return 0
