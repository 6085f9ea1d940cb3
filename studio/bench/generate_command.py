"""``studio bench generate``: its options, and its figures as text lines or one JSON object."""

from __future__ import annotations

import argparse

from studio.bench.report import REPEATS, print_json, span, target, tell_warnings
from studio.cli.command import Group, arg

GENERATE = target(
    "generate",
    "one generation through the engine vs. a plain diffusers call",
    arg("--model", help="model id, name or path (default: a tiny random SD)"),
    arg("--steps", type=int, default=20),
    arg("--size", default="64x64", help="WIDTHxHEIGHT"),
    arg("--sampler", default="Euler"),
    arg("--cfg", type=float, default=7.0, help="guidance scale (1 or less: no negative pass)"),
    arg(
        "--arch",
        choices=("sd15", "sd2", "sdxl"),
        help="Stable Diffusion at its published size with random weights (instead of --model)",
    ),
    Group(
        (
            arg("--fast", action="store_true", help="the engine on its fast path (with --arch)"),
            arg("--eager", action="store_true", help="the engine eager (the default)"),
        ),
        exclusive=True,
    ),
    arg("--step-cache", type=int, default=0, help="the engine's step-cache interval (0: off)"),
    REPEATS,
    description="Times one generation through Studio's engine and through a plain diffusers "
    "pipeline call with the same model and settings, in one process. Without --model, "
    "a tiny random Stable Diffusion pipeline is built in a temporary folder; --arch builds "
    "SD 1.5, SD 2 or SDXL at full size with random weights (no download). --fast compiles the "
    "engine's UNet and VAE decoder (plain diffusers stays eager): the ratio is then the "
    "speed-up and the compile time is reported apart. With --step-cache N plain diffusers runs "
    "every UNet call (its image equals the engine's uncached one), so the ratio is the step "
    "cache's speed-up and the report says how far the cached image is from the full one.",
)


@GENERATE.runs
def run_generate(args: argparse.Namespace) -> int:
    from studio.domain.request_limits import parse_size

    width, height = parse_size(args.size)
    row = _generate_row(args, width, height)
    tell_warnings("generate", row["warnings"])
    if args.json:
        print_json(args, row, row["warnings"])
    else:
        print("\n".join(generate_lines(row)))
    return 0


def _generate_row(args: argparse.Namespace, width: int, height: int) -> dict:
    from studio.domain.errors import InvalidRequestError

    settings = {
        "steps": args.steps, "width": width, "height": height, "sampler": args.sampler,
        "cfg_scale": args.cfg, "step_cache": args.step_cache,
    }  # fmt: skip
    if args.arch is None:
        if args.fast:
            raise InvalidRequestError("--fast needs --arch (the full-size model to compile)")
        from studio.bench.generate import bench_generate

        return bench_generate(args.model, repeats=args.repeats, **settings)
    if args.model is not None:
        raise InvalidRequestError("give --model or --arch, not both")
    from studio.bench.generate import bench_arch

    return bench_arch(args.arch, settings, repeats=args.repeats, fast=args.fast)


def generate_lines(row: dict) -> list[str]:
    """The text report of one ``bench generate`` row."""
    mode = "fast" if row.get("fast") else "eager"
    lines = [
        f"model {row['model']} on {row['device']} (torch {row['torch']}), engine {mode}, "
        f"{row['steps']} steps at {row['size']}, median (min-max) of {row['repeats']} "
        "interleaved runs",
        f"  studio engine  : {span(row['ours_s'])}",
        f"  plain diffusers: {span(row['diffusers_s'])}",
        f"  ratio (ours/diffusers): {row['ratio']:.3f}",
        _first_line(row),
    ]
    if "cpu_s" in row:
        cpu = row["cpu_s"]
        lines.insert(
            4,
            f"  CPU time, all threads: engine {span(cpu['ours'])}, diffusers "
            f"{span(cpu['diffusers'])}, ratio {row['cpu_ratio']:.3f}",
        )
    if "peak_rss_mb" in row:
        lines.append(
            f"  build {row['build_s']:.1f} s, text encoders {row['text_encoders_s']:.2f} s per "
            f"image (in both paths), peak RSS {row['peak_rss_mb']} MB, load {row['load_average']}"
        )
    if row.get("per_step_s"):
        lines.append(f"  engine per step: {span(row['per_step_s'])}")
    difference = row.get("pixel_difference")
    return lines if difference is None else [*lines, _step_cache_line(row, difference)]


def _first_line(row: dict) -> str:
    if row["first_s"] is None:
        return f"  warm-up (untimed, eager): one 1-step engine run, {row['warm_up_s']:.3f} s"
    first = row["first_s"]
    return (
        f"  first run (untimed): engine {first['ours']:.3f} s, diffusers {first['diffusers']:.3f}"
        f" s; engine compile {row['compile_s']:.3f} s"
    )


def _step_cache_line(row: dict, difference: dict) -> str:
    return (
        f"  step cache {row['step_cache']}: image differs from the uncached one (plain diffusers, "
        f"same seed) by {difference['mean']:.2f} levels on average, {difference['max']} at most "
        "(of 255)"
    )
