"""``studio bench generate|style|builtin|ui``: speed against the plain reference, in one process.

The launcher routes ``studio bench ...`` here: the parser, and the options and reports of the
smaller benchmarks (``generate`` has its own module, :mod:`studio.bench.generate_command`).
Errors end the same way as every other command: one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from studio.bench.generate_command import GENERATE
from studio.bench.report import REPEATS, numbers, show_rows, span, target
from studio.cli.command import Command, arg

NAME = "bench"

STYLE = target(
    "style",
    "our torch style transfer vs. onnxruntime on the package's own models",
    arg("--sizes", default="512,1024", help="comma-separated sizes in px"),
    REPEATS,
)
BUILTIN = target(
    "builtin",
    "seconds per sprite for each built-in model",
    arg("--size", type=int, default=64, help="output side in px (default 64)"),
    REPEATS,
    arg("--device", default="cpu", help="cpu (default), cuda or auto"),
    arg("--models-dir", type=Path, help="folder of built-in models"),
    arg(
        "--threads",
        choices=("policy", "default", "both"),
        default="policy",
        help="time jobs on the threads the policy chooses (default), torch's default "
        "thread count, or both interleaved",
    ),
    arg("--load", type=int, default=0, metavar="N", help="run N busy-loop processes beside it"),
    description="Times one image of each built-in model through the engine, after loading it "
    "and making one untimed image; prints the median seconds per image and the threads used.",
)
STARTUP = target(
    "startup",
    "cold-process first image on the built-in model: wall time and peak RSS",
    arg("--repeats", type=int, default=5, help="cold processes (default 5)"),
    arg("--no-gui", action="store_true", help="time the CLI only"),
)
BATCH = target(
    "batch",
    "images per second of a batch locally and through Ray with 1, 2, 4 actors",
    arg("--count", type=int, default=32, help="images per run (default 32)"),
    arg("--actors", default="1,2,4", help="Ray actor counts ('' for none)"),
    arg("--model", default="", help="model (default: the default model)"),
)
# studio.bench.ui parses its own options (see `studio bench ui --help`).
UI = Command(
    "ui",
    "longest GUI event-loop stall while a model loads, generates and saves",
    add_help=False,
)
TARGETS = (GENERATE, STYLE, BUILTIN, STARTUP, BATCH, UI)


def build_parser() -> argparse.ArgumentParser:
    """The ``studio bench`` parser with every benchmark registered."""
    parser = argparse.ArgumentParser(
        prog="studio bench",
        description="Benchmarks; speed goals live here, never in unit tests.",
    )
    targets = parser.add_subparsers(dest="target", metavar="TARGET", required=True)
    for command in TARGETS:
        command.register(targets)
    return parser


def main(argv: Sequence[str]) -> int:
    """Run one benchmark; errors become one line on stderr and a non-zero exit code."""
    from studio.cli.boundary import run_command

    args_list = list(argv)
    if args_list[:1] == ["ui"]:
        from studio.bench.ui import main as bench_ui

        return run_command("studio bench ui", lambda: bench_ui(args_list[1:]))
    args = build_parser().parse_args(args_list)
    from studio.bench.machine import load_warning, progress

    warning = load_warning()
    args.load_warnings = [warning] if warning else []
    if warning:
        progress(f"studio bench {args.target}: {warning}")
    progress(f"studio bench {args.target}: running (progress below, results on stdout)")
    return run_command(f"studio bench {args.target}", lambda: args.handler(args))


@BUILTIN.runs
def run_builtin(args: argparse.Namespace) -> int:
    from studio.bench.builtin import bench_builtin
    from studio.domain.errors import InvalidRequestError, ModelNotFoundError

    if args.load < 0:
        raise InvalidRequestError(f"--load {args.load}: give a number of processes, 0 or more")
    rows = bench_builtin(
        args.models_dir,
        size=args.size,
        repeats=args.repeats,
        device=args.device,
        threads=args.threads,
        busy=args.load,
    )
    if not rows:
        raise ModelNotFoundError("no built-in models found; reinstall Studio or pass --models-dir")
    return show_rows(args, rows, _builtin_table)


def _builtin_table(rows: list[dict]) -> list[str]:
    lines = [
        f"{'model':<20} {'family':<10} {'steps':>5} {'load+1st (s)':>12} "
        f"{'threads':>7} {'per image: median (min-max)':>30} "
        f"{'default':>7} {'on default threads':>30}"
    ]
    lines += [
        f"{row['model']:<20} {row['family']:<10} {row['steps']:>5} {row['load_s']:>12.3f} "
        f"{_threads(row, 'threads'):>7} {_timed(row, 'image_s'):>30} "
        f"{_threads(row, 'default_threads'):>7} {_timed(row, 'default_image_s'):>30}"
        for row in rows
    ]
    first = rows[0]
    others = first["other_runnable"]
    lines.append(
        f"({first['size']}x{first['size']} px on {first['device']}, {first['repeats']} images "
        f"per model in interleaved rounds; {first['busy']} busy-loop processes beside it, "
        f"{'?' if others is None else others} other runnable threads at the start)"
    )
    return lines


def _threads(row: dict, key: str) -> str:
    """``"1"``, ``"1-2"`` (the counts jobs ran on), ``"numpy"`` or ``"-"`` (not timed)."""
    if row["runtime"] == "numpy" and key == "threads":
        return "numpy"
    counts = row.get(key)
    if not counts:
        return "-"
    return str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"


def _timed(row: dict, key: str) -> str:
    return span(row[key], 4) if key in row else "-"


@BATCH.runs
def run_batch_bench(args: argparse.Namespace) -> int:
    from studio.bench.batch import bench_batch

    actors = numbers("--actors", args.actors, "1,2,4", blanks=True)
    rows = bench_batch(args.count, actors, args.model)
    if args.json:
        print(json.dumps(rows))
        return 0
    local = rows[0]["images_per_s"]
    print(f"{'run':<6} {'actors':>6} {'images':>6} {'seconds':>8} {'images/s':>9} {'vs local':>8}")
    for row in rows:
        print(
            f"{row['run']:<6} {row['actors']:>6} {row['images']:>6} {row['seconds']:>8.2f} "
            f"{row['images_per_s']:>9.2f} {row['images_per_s'] / local:>8.2f}"
        )
    return 0


@STYLE.runs
def run_style(args: argparse.Namespace) -> int:
    from studio.bench.style import bench_style

    sizes = numbers("--sizes", args.sizes, "512,1024")
    rows = bench_style(sizes=sizes, repeats=args.repeats)
    return show_rows(args, rows, _style_table)


def _style_table(rows: list[dict]) -> list[str]:
    return [
        f"median (min-max) of {rows[0]['repeats']} interleaved runs at each size",
        f"{'size':>6}  {'torch (ours)':>24}  {'onnxruntime':>24}  {'ratio':>6}",
        *(
            f"{row['size']:>6}  {span(row['ours_s']):>24}  {span(row['onnxruntime_s']):>24}  "
            f"{row['ratio']:>6.2f}"
            for row in rows
        ),
    ]


@STARTUP.runs
def run_startup(args: argparse.Namespace) -> int:
    from studio.bench.machine import machine_info, progress, spread_warning
    from studio.bench.startup import bench_startup

    row = bench_startup(repeats=max(1, args.repeats), gui=not args.no_gui)
    row["machine"] = machine_info()
    checked = [("CLI wall time", row["wall_s"]), ("CLI peak RSS", row["peak_rss_mb"])]
    gui = row.get("gui")
    if gui:
        checked += [("window first sprite", gui["first_image_s"])]
    for label, stats in checked:
        warning = spread_warning(label, stats)
        if warning:
            progress(warning)
    if args.json:
        print(json.dumps(row))
        return 0
    print(f"cold first image, built-in default model, median of {row['repeats']} processes")
    _print_stat("CLI first sprite", row["wall_s"], "s")
    _print_stat("CLI peak RSS", row["peak_rss_mb"], "MB")
    if gui:
        _print_stat("window shown", gui["window_shown_s"], "s")
        _print_stat("window first sprite", gui["first_image_s"], "s")
        _print_stat("longest GUI stall", gui["max_stall_ms"], "ms")
    print("  CLI breakdown (seconds since start, one cold process):")
    previous = 0.0
    for name, at in row["phases"]:
        if isinstance(at, bool):
            print(f"    {name:<24} {'yes' if at else 'no'}")
            continue
        print(f"    {name:<24} {at:6.2f}  (+{at - previous:.2f})")
        previous = at
    return 0


def _print_stat(label: str, stats: dict[str, float], unit: str) -> None:
    digits = 0 if unit in ("MB", "ms") else 2
    print(
        f"  {label:<20}: {stats['median']:.{digits}f} {unit}"
        f"  (min {stats['min']:.{digits}f}, max {stats['max']:.{digits}f})"
    )
