"""``studio tileset TILE... -o DIR``: a Tiled tile set + sample map and a Godot 4 TileSet."""

from __future__ import annotations

import argparse

from studio.cli.command import Command, arg
from studio.cli.export_inputs import export_arguments

COMMAND = Command(
    "tileset",
    "build a tile set for Tiled and Godot from tiles of one size",
    "Lay tiles (files, folders, or #N entries of --project) on a grid and write the "
    "image, a Tiled .tsx, a sample .tmx using every tile, and a Godot 4 TileSet .tres.",
    args=(
        *export_arguments(metavar="TILE", default_name="tiles"),
        arg("--columns", help="tiles per row (default: near-square)"),
        arg("--spacing", help="pixels between tiles (default 0)"),
        arg("--margin", help="pixels around the grid (default 0)"),
    ),
)


@COMMAND.runs
def run(args: argparse.Namespace) -> int:
    from studio.cli.export_inputs import parse_int, read_inputs, report_export
    from studio.cli.interrupt import ctrl_c_cancels
    from studio.domain.export_requests import TilesetRequest
    from studio.imaging.tilesets.layout import MAX_TILES
    from studio.ops.export import check_tileset_target, export_tileset

    # Every check before the first image is read: the folder, the files it would replace,
    # the numbers; the tile count before decoding, the image size before it is made.
    folder = check_tileset_target(args.output, args.name, overwrite=args.overwrite)
    columns = parse_int("--columns", args.columns, 1, 4096, 0) or None
    spacing = parse_int("--spacing", args.spacing, 0, 64, 0)
    margin = parse_int("--margin", args.margin, 0, 64, 0)
    images = read_inputs(args.inputs, args.project, limit=MAX_TILES, unit="tiles")
    request = TilesetRequest(
        folder=folder,
        tiles=tuple(images),
        name=args.name,
        columns=columns,
        spacing=spacing,
        margin=margin,
        overwrite=args.overwrite,
    )
    with ctrl_c_cancels() as cancel:
        export = export_tileset(request, cancel)
    tileset = export.tileset
    details = (
        f"{tileset.count} tiles of {tileset.tile_width}x{tileset.tile_height}, "
        f"{tileset.columns} columns"
    )
    return report_export(export.written, folder, details, export.notes)
