"""``studio style``: neural style transfer from a shell.

``studio style --list`` prints the built-in presets, one a line. ``studio style IN -o OUT.png
--preset 7`` restyles an image; ``--style-image FILE`` uses any picture as the style, and
presets and style images (up to four in all) blend by ``--weights``. Numbers are parsed here, not
by argparse, so a bad value is one line on stderr like every other error.
"""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from studio.cli.command import Command, arg, device_option, output_file
from studio.domain.errors import InvalidRequestError

COMMAND = Command(
    "style",
    "restyle an image with a preset or a style image",
    "Neural style transfer on your own machine. Blend up to four styles (presets and "
    "style images); the result is a PNG carrying its recipe.",
    args=(
        arg("input", nargs="?", type=Path, help="image to restyle"),
        *output_file(overwrite="replace the output file if it exists", required=False),
        arg("--list", action="store_true", help="print the presets, one a line"),
        arg("--preset", help="preset number(s), e.g. 7 or 3,12 (see --list)"),
        arg(
            "--style-image",
            action="append",
            type=Path,
            default=[],
            help="image to take the style of",
        ),
        arg("--weights", help="one weight per style, presets first, e.g. 0.7,0.3"),
        arg("--strength", help="0 keeps the image, 1 is the full style (default 1)"),
        arg(
            "--preserve-colors",
            action="store_true",
            help="keep the image's colours (luminance only)",
        ),
        arg("--max-size", help="longest side to work at, in pixels"),
        arg("--mask", type=Path, help="greyscale mask: white restyles, black keeps"),
        arg("--method", choices=("fast", "iterative"), default="fast"),
        arg("--iterations", help="steps of the iterative method (default 200)"),
        arg("--seed", help="seed of the iterative method's starting noise"),
        device_option(),
    ),
)


def _numbers(option: str, text: str | None, kind: type, example: str) -> list:
    if text is None:
        return []
    try:
        return [kind(part) for part in text.split(",")]
    except ValueError:
        raise InvalidRequestError(f"{option} {text!r} must be numbers like {example}.") from None


def _number(option: str, text: str | None, kind: type, example: str):
    values = _numbers(option, text, kind, example)
    if len(values) > 1:
        raise InvalidRequestError(f"{option} takes one number, like {example}.")
    return values[0] if values else None


def print_presets() -> None:
    from studio.engine.style import list_presets

    for preset in list_presets():
        print(f"{preset.index:2d}  {preset.name}")


def _read_image(path: Path) -> bytes:
    """The file's bytes, after the safe decoder accepted it (bombs and damage fail here)."""
    from studio.engine.style.inputs import MAX_SOURCE_PIXELS
    from studio.imaging.decode import open_image

    open_image(path, max_pixels=MAX_SOURCE_PIXELS)
    return path.read_bytes()


def _check_paths(args: argparse.Namespace) -> None:
    if args.input is None or args.output is None:
        raise InvalidRequestError("Give an image and an output: studio style IN -o OUT.png.")
    from studio.ops.output import check_output_paths

    check_output_paths([args.output], overwrite=args.overwrite)
    if args.preset is None and not args.style_image:
        raise InvalidRequestError(
            "Choose a style: --preset N (see studio style --list) or --style-image FILE."
        )


def build_request(args: argparse.Namespace):
    """A validated :class:`~studio.domain.style.StyleRequest` from the command line."""
    from studio.domain.style import StyleRequest

    _check_paths(args)
    strength = _number("--strength", args.strength, float, "0.6")
    iterations = _number("--iterations", args.iterations, int, "200")
    return StyleRequest(
        source=_read_image(args.input),
        source_label=args.input.name,
        presets=tuple(_numbers("--preset", args.preset, int, "7 or 3,12")),
        style_images=tuple(_read_image(path) for path in args.style_image),
        style_labels=tuple(path.name for path in args.style_image),
        weights=tuple(_numbers("--weights", args.weights, float, "0.7,0.3")),
        strength=1.0 if strength is None else strength,
        preserve_colors=args.preserve_colors,
        mask=_read_image(args.mask) if args.mask is not None else None,
        max_size=_number("--max-size", args.max_size, int, "1024"),
        method=args.method,
        iterations=200 if iterations is None else iterations,
        seed=_number("--seed", args.seed, int, "42"),
    )


@COMMAND.runs
def run(args: argparse.Namespace) -> int:
    if args.list:
        print_presets()
        return 0
    request = build_request(args)
    from studio.cli.progress import ProgressPrinter
    from studio.engine.style import run_style_job
    from studio.imaging.recipe_chunks import encode_result_png
    from studio.ops.output import write_output

    cancel = threading.Event()
    previous_handler = signal.signal(signal.SIGINT, lambda *_: cancel.set())
    try:
        with ProgressPrinter("style", unit="tile" if request.method == "fast" else "step") as bar:
            image = run_style_job(request, bar.update, cancel, args.device)
            write_output(args.output, encode_result_png(image))
            bar.write(f"wrote {args.output} ({image.extra['style_summary']})")
    finally:
        signal.signal(signal.SIGINT, previous_handler)
    return 0
