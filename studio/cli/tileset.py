"""``studio tileset TILE... -o DIR``: a Tiled tile set + sample map and a Godot 4 TileSet."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "tileset"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        NAME,
        help="build a tile set for Tiled and Godot from tiles of one size",
        description=(
            "Lay tiles (files, folders, or #N entries of --project) on a grid and write the "
            "image, a Tiled .tsx, a sample .tmx using every tile, and a Godot 4 TileSet .tres."
        ),
    )
    parser.add_argument("inputs", nargs="+", metavar="TILE")
    parser.add_argument("-o", "--output", type=Path, help="export folder (created)")
    parser.add_argument("--project", type=Path, help="project the #N entries come from")
    parser.add_argument("--name", default="tiles", help="base file name (default: tiles)")
    parser.add_argument("--columns", help="tiles per row (default: near-square)")
    parser.add_argument("--spacing", help="pixels between tiles (default 0)")
    parser.add_argument("--margin", help="pixels around the grid (default 0)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from studio.cli.export_inputs import check_output_folder, parse_int, read_inputs
    from studio.imaging.tilesets import build_tileset, tileset_files
    from studio.project.export_folder import write_export_files

    folder = check_output_folder(args.output)
    images = read_inputs(args.inputs, args.project)
    tileset = build_tileset(
        args.name,
        [image.pixels for image in images],
        columns=parse_int("--columns", args.columns, 1, 4096, 0) or None,
        spacing=parse_int("--spacing", args.spacing, 0, 64, 0),
        margin=parse_int("--margin", args.margin, 0, 64, 0),
    )
    sources = [image.source for image in images]
    written = write_export_files(folder, tileset_files(tileset, sources))
    print(
        f"wrote {len(written)} files to {folder} ({tileset.count} tiles of "
        f"{tileset.tile_width}x{tileset.tile_height}, {tileset.columns} columns)"
    )
    return 0
