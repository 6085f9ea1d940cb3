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
    parser.add_argument(
        "--overwrite", action="store_true", help="replace the files of an earlier export"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from studio.cli.export_inputs import parse_int, read_inputs
    from studio.imaging.tilesets import build_tileset, tileset_file_names, tileset_files
    from studio.imaging.tilesets.layout import MAX_TILES
    from studio.ops.output import check_export_folder, check_export_names, write_export

    # Every check before the first image is read: the folder, the files it would replace,
    # the numbers; the tile count before decoding, the image size before it is made.
    folder = check_export_folder(args.output)
    check_export_names(folder, tileset_file_names(args.name), overwrite=args.overwrite)
    columns = parse_int("--columns", args.columns, 1, 4096, 0) or None
    spacing = parse_int("--spacing", args.spacing, 0, 64, 0)
    margin = parse_int("--margin", args.margin, 0, 64, 0)
    images = read_inputs(args.inputs, args.project, limit=MAX_TILES, unit="tiles")
    tileset = build_tileset(
        args.name,
        [image.pixels for image in images],
        columns=columns,
        spacing=spacing,
        margin=margin,
    )
    sources = [image.source for image in images]
    written = write_export(folder, tileset_files(tileset, sources), overwrite=args.overwrite)
    print(
        f"wrote {len(written)} files to {folder} ({tileset.count} tiles of "
        f"{tileset.tile_width}x{tileset.tile_height}, {tileset.columns} columns)"
    )
    return 0
