"""``studio ...`` command-line tools. Never imports Qt; torch only inside the commands that run.

Each command lives in its own module and declares itself as a
:class:`~studio.cli.command.Command` (its options, help and handler); this module lists them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from studio import __version__
from studio.cli import (
    batch,
    data,
    doctor,
    frames,
    generate,
    info,
    matte,
    models,
    pixelate,
    sheet,
    style,
    tile,
    tileset,
    train,
    train_enlarger,
    upscale,
)
from studio.cli import eval as eval_command
from studio.cli.boundary import prepare_terminal, run_command

# In the order `studio --help` lists them.
_COMMANDS = (
    generate.COMMAND,
    batch.COMMAND,
    info.COMMAND,
    models.COMMAND,
    style.COMMAND,
    data.COMMAND,
    train.COMMAND,
    train_enlarger.COMMAND,
    eval_command.COMMAND,
    frames.COMMAND,
    sheet.COMMAND,
    pixelate.COMMAND,
    matte.COMMAND,
    tileset.COMMAND,
    tile.COMMAND,
    upscale.COMMAND,
    doctor.COMMAND,
)
# `studio bench ...` lives in studio.bench, above the GUI and the CLI (it measures both); the
# launcher routes it there, and this parser only lists it for --help.
BENCH_COMMAND = "bench"
SUBCOMMANDS = frozenset([*(command.name for command in _COMMANDS), BENCH_COMMAND])


def build_parser() -> argparse.ArgumentParser:
    """The full ``studio`` parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="studio",
        usage="studio [PROJECT.studio]\n       studio COMMAND [options]",
        description=(
            "Studio: text-to-image and style transfer on your own machine. "
            "Without a command, opens the window (and PROJECT.studio if given)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"studio {__version__}")
    # An explicit prog keeps "usage: studio generate ..." instead of the two-line main usage.
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", prog="studio")
    for command in _COMMANDS:
        command.register(subparsers)
    subparsers.add_parser(
        BENCH_COMMAND, help="time Studio against the reference implementations", add_help=False
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a subcommand inside the one error boundary (:mod:`studio.cli.boundary`)."""
    prepare_terminal()  # argparse may print a non-UTF-8 path in its own errors
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    return run_command(f"studio {args.command}", lambda: handler(args))
