"""``studio data build`` and ``studio data bank``: datasets and icon banks for built-in models.

From the pinned, permissively licensed icon packages (fetched once with npm, then cached)
or, with ``--from-folder``, from an artist's own images.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from studio.cli.command import Arg, Command, arg, json_option
from studio.cli.folders import check_folder_option
from studio.cli.json_output import print_json
from studio.cli.numbers import finite_float

MAX_WORKERS = 256  # rendering processes; more only exhausts the machine


def _written_folder(what: str, default: int, sides: tuple[int, ...]) -> tuple[Arg, Arg]:
    """``--out`` (the folder both actions write) and ``--size`` (the side it is made for)."""
    return (
        arg("--out", type=Path, required=True, help=what),
        arg("--size", type=int, default=default, choices=sides, help="the model's native side"),
    )


BUILD = Command(
    "build",
    "build a sprite dataset",
    "Build an RGBA sprite dataset with captions, a held-out split and an "
    "attribution file. Without --from-folder it uses the icon packages listed in "
    "the manifest (npm is needed once; packages are cached).",
    args=(
        *_written_folder("dataset folder to write", 64, (16, 32, 64, 128)),
        arg("--from-folder", type=Path, help="your own images instead of packages"),
        arg("--cache", type=Path, help="package cache (default ~/.cache/studio/sources)"),
        arg("--sources", help="comma-separated image sources (default: all)"),
        arg("--limit", type=int, help="at most N icons per source (quick runs)"),
        arg("--workers", type=int, help="rendering processes (default: up to 2)"),
        json_option("print the manifest as JSON"),
        arg("--no-augment", action="store_true", help="no colour captions or augmented copies"),
        arg(
            "--recolour-share",
            type=finite_float,
            default=1.0,
            help="recoloured copies per line icon",
        ),
        arg(
            "--hue-share",
            type=finite_float,
            default=0.5,
            help="share of colour emoji with a hue copy",
        ),
        arg(
            "--pixel-share",
            type=finite_float,
            default=0.3,
            help="share of colour emoji with a pixel-art copy",
        ),
    ),
)
BANK = Command(
    "bank",
    "write a retrieval model's icon bank",
    "Write reference_bank.npz into a built-in model folder: the dataset's original icons "
    "(Fluent, Noto, game-icons) at --size and, where the dataset has them, at twice that size "
    "(the detail that guides a sprite's enlargement), each colour icon's caption colours and "
    "the concept names' sentence vectors. A retrieval-augmented model (the default VAE) draws "
    "shapes from it.",
    args=(
        arg("--data", type=Path, required=True, help="dataset folder (studio data build)"),
        *_written_folder("the model folder to write the bank into", 32, (16, 32, 64)),
    ),
)
COMMAND = Command(
    "data",
    "build datasets and icon banks for the built-in models",
    __doc__,
    actions=(BUILD, BANK),
    action_dest="data_action",
)


@BUILD.runs
def run_build(args: argparse.Namespace) -> int:
    """Build the dataset ``args`` describe and print a summary."""
    from studio.domain.errors import InvalidRequestError

    if args.limit is not None and args.limit < 1:
        raise InvalidRequestError("--limit must be at least 1.")
    if args.workers is not None and not 1 <= args.workers <= MAX_WORKERS:
        raise InvalidRequestError(f"--workers must be between 1 and {MAX_WORKERS}.")
    check_folder_option(args.out, "--out")
    if args.cache is not None:
        check_folder_option(args.cache, "--cache")
    started = time.perf_counter()
    if args.from_folder is not None:
        from studio.train.data.from_folder import build_from_folder

        result = build_from_folder(args.from_folder, args.out, size=args.size)
        manifest = result.manifest
        if result.skipped:
            print(f"skipped {len(result.skipped)} unusable file(s):", file=sys.stderr)
            for path, reason in result.skipped:
                print(f"  {path}: {reason}", file=sys.stderr)
    else:
        from studio.train.data.build import BuildOptions, build_dataset, default_workers
        from studio.train.data.recolour import AugmentRecipe

        sources = tuple(s.strip() for s in (args.sources or "").split(",") if s.strip())
        options = BuildOptions(
            out_dir=args.out,
            size=args.size,
            sources=sources,
            cache_dir=args.cache,
            limit=args.limit,
            workers=args.workers or default_workers(),
            augment=None
            if args.no_augment
            else AugmentRecipe(args.recolour_share, args.hue_share, args.pixel_share),
        )
        manifest = build_dataset(options)
    seconds = time.perf_counter() - started
    if args.json:
        print_json(manifest)
    else:
        print(_summary(manifest, args.out, seconds))
    return 0


@BANK.runs
def run_bank(args: argparse.Namespace) -> int:
    """Write the bank and say how large it is."""
    from studio.engine.builtin.reference_bank import ReferenceBank
    from studio.train.data.bank_export import write_bank

    check_folder_option(args.out, "--out")
    path = write_bank(args.data, args.out, args.size)
    bank = ReferenceBank.load(args.out)
    assert bank is not None
    megabytes = path.stat().st_size / 1e6
    detail = "" if bank.detail is None else f" (also at {bank.detail.shape[1]} px)"
    print(f"{path}: {len(bank)} icons{detail} of {len(bank.concepts)} concepts, {megabytes:.1f} MB")
    return 0


def _summary(manifest: dict, out: Path, seconds: float) -> str:
    lines = [
        f"dataset {out}: {manifest['count']} images at {manifest['sizes']} px in {seconds:.1f} s",
        f"  splits: train {manifest['splits']['train']}, heldout {manifest['splits']['heldout']}",
    ]
    for source in manifest["sources"]:
        lines.append(
            f"  {source['name']:<14} {source['count']:>6}  {source['license']:<12} "
            f"{source['package']} {source['version']}"
        )
    return "\n".join(lines)
