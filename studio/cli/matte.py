"""``studio matte IMAGE -o OUT.png``: remove a flat background (key colour) with a soft matte."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from studio.domain.errors import InvalidRequestError

NAME = "matte"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        NAME,
        help="remove an image's flat background (soft alpha, no halo)",
        description=(
            "Detect the background key colour from the border, matte it out with pymatting, "
            "remove colour spill and bleed edge colours into transparent pixels."
        ),
    )
    parser.add_argument("input", type=Path, help="image on a flat background")
    parser.add_argument("-o", "--output", type=Path, required=True, help="OUT.png")
    parser.add_argument("--key", help="background colour as RRGGBB (default: from the border)")
    parser.add_argument("--method", choices=("cf", "knn"), default="cf", help="pymatting solver")
    parser.set_defaults(handler=run)


def parse_key(text: str | None) -> tuple[int, int, int] | None:
    if text is None:
        return None
    match = re.fullmatch(r"#?([0-9A-Fa-f]{6})", text.strip())
    if match is None:
        raise InvalidRequestError(f"--key {text!r} must be a colour like 00ff00.")
    value = int(match.group(1), 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


def run(args: argparse.Namespace) -> int:
    from studio.imaging.atomic import atomic_write_bytes
    from studio.imaging.decode import load_pixels
    from studio.imaging.matte import remove_background
    from studio.imaging.png import encode_png

    if args.output.suffix.lower() != ".png":
        raise InvalidRequestError(f"Output {args.output} must end in .png.")
    if not args.output.absolute().parent.exists():
        raise InvalidRequestError(f"Output folder {args.output.parent} does not exist.")
    key = parse_key(args.key)
    pixels = load_pixels(args.input, max_pixels=4_000_000)
    result, used = remove_background(pixels, key, args.method)
    atomic_write_bytes(args.output, encode_png(result))
    visible = float((result[:, :, 3] > 0).mean())
    print(f"wrote {args.output} (key #{used[0]:02x}{used[1]:02x}{used[2]:02x}, {visible:.0%} kept)")
    return 0
