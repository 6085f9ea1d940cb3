"""``studio matte IMAGE -o OUT.png``: remove a flat background (key colour) with a soft matte."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from studio.cli.command import Command, arg, output_file
from studio.domain.errors import InvalidRequestError
from studio.ops.output import check_output_paths, write_output

COMMAND = Command(
    "matte",
    "remove an image's flat background (soft alpha, no halo)",
    "Detect the background key colour from the border, matte it out with pymatting, "
    "remove colour spill and bleed edge colours into transparent pixels.",
    args=(
        arg("input", type=Path, help="image on a flat background"),
        *output_file(),
        arg("--key", help="background colour as RRGGBB (default: from the border)"),
        arg("--method", choices=("cf", "knn"), default="cf", help="pymatting solver"),
    ),
)


def parse_key(text: str | None) -> tuple[int, int, int] | None:
    if text is None:
        return None
    match = re.fullmatch(r"#?([0-9A-Fa-f]{6})", text.strip())
    if match is None:
        raise InvalidRequestError(f"--key {text!r} must be a colour like 00ff00.")
    value = int(match.group(1), 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


@COMMAND.runs
def run(args: argparse.Namespace) -> int:
    from studio.domain.image_requests import MatteRequest
    from studio.imaging.decode import load_pixels
    from studio.imaging.edits import run_image_request
    from studio.imaging.matte.remove_background import MAX_PIXELS
    from studio.imaging.result import encode_result

    # Refused before any pixel is decoded: a bad output, a bad key.
    check_output_paths([args.output], overwrite=args.overwrite)
    key = parse_key(args.key)
    pixels = load_pixels(args.input, max_pixels=MAX_PIXELS)
    request = MatteRequest(pixels, key, args.method, name=str(args.input))
    # The same edit (and recipe) as the GUI's Remove Background: the PNG says how it was made.
    made = run_image_request(request)
    write_output(args.output, encode_result(made).png)
    visible = float((made.pixels[:, :, 3] > 0).mean())
    if made.extra["key"] is None:
        print(f"wrote {args.output} ({made.extra['note']}, {visible:.0%} visible)")
    else:
        print(f"wrote {args.output} (key {made.extra['key']}, {visible:.0%} kept)")
    return 0
