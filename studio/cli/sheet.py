"""``studio sheet ENTRY_OR_FILE... -o DIR``: a sprite sheet and its atlases for game engines.

Options follow the issue: ``--format texturepacker,aseprite,godot4,godot3,unity,libgdx,csv``
(or ``all``), ``--grid CxR``, ``--padding N``, ``--extrude N``, ``--trim``, ``--pot``,
``--scale N``, ``--max-size N`` and any number of ``--anim NAME:FPS:FRAMES``, where FRAMES are
frame numbers (from 0, in argument order) or names: ``walk:8:0-7``, ``idle:4:0,1``.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import replace

from studio.cli.command import Command, arg
from studio.cli.export_inputs import export_arguments
from studio.domain.errors import InvalidRequestError

DEFAULT_FORMATS = "texturepacker,aseprite,godot4,unity,libgdx,csv"
COMMAND = Command(
    "sheet",
    "pack images into a sprite sheet with atlases for game engines",
    "Pack images (files, folders, or history entries #N of --project) into a sprite "
    "sheet, written with its atlas files and a recipes JSON into one folder.",
    args=(
        *export_arguments(metavar="ENTRY_OR_FILE", default_name="sheet"),
        arg("--format", default=DEFAULT_FORMATS, help="formats, comma separated"),
        arg("--frames", help="frame names, comma separated, in input order"),
        arg("--grid", help="fixed grid COLUMNSxROWS instead of tight packing"),
        arg("--padding", help="pixels between frames (default 1)"),
        arg("--extrude", help="edge pixels repeated around frames (default 0)"),
        arg("--trim", action="store_true", help="cut transparent borders"),
        arg("--pot", action="store_true", help="power-of-two page sizes"),
        arg("--scale", help="1, 2, 4 or 8 (nearest neighbour)"),
        arg("--max-size", help="largest page side (default 4096)"),
        arg("--smooth", action="store_true", help="linear filtering, not pixel art"),
        arg(
            "--keep-colours",
            action="store_true",
            help="ignore the project's locked palette (by default frames are snapped to it)",
        ),
        arg("--anim", action="append", default=[], help="NAME:FPS:FRAMES, e.g. walk:8:0-7"),
    ),
)


def parse_grid(text: str | None) -> tuple[int, int] | None:
    from studio.cli.export_inputs import shown

    if text is None:
        return None
    match = re.fullmatch(r"([0-9]{1,4})[xX]([0-9]{1,4})", text.strip())
    if match is None:
        raise InvalidRequestError(f"--grid {shown(text)!r} must look like 4x2 (columns x rows).")
    return int(match.group(1)), int(match.group(2))


def parse_animation(text: str, names: list[str]):
    """``NAME:FPS:FRAMES`` as an :class:`~studio.domain.export_requests.AnimationSpec`."""
    from studio.cli.export_inputs import shown
    from studio.domain.export_requests import AnimationSpec
    from studio.imaging.sheets import frame_name

    parts = text.split(":")
    if len(parts) != 3 or not parts[0].strip():
        raise InvalidRequestError(f"--anim {shown(text)!r} must look like walk:8:0-7.")
    label, fps_text, frames_text = parts
    try:
        fps = float(fps_text)
    except ValueError:
        raise InvalidRequestError(
            f"--anim {shown(text)!r}: {shown(fps_text)!r} is not a frame rate."
        ) from None
    frames: list[str] = []
    for item in (p.strip() for p in frames_text.split(",") if p.strip()):
        # ASCII digits only ("²" passes str.isdigit() but not int()), and each number is
        # checked against the frame count before a range is built from it.
        if re.fullmatch(r"[0-9]+-[0-9]+", item):
            first, last = item.split("-")
            start = _frame_number(names, first, text)
            # The first frame past the end is the one to name, as if the range were walked.
            end = _frame_number(names, last, text, missing=str(len(names)))
            step = 1 if end >= start else -1
            frames += [names[n] for n in range(start, end + step, step)]
        elif re.fullmatch(r"[0-9]+", item):
            frames.append(names[_frame_number(names, item, text)])
        elif frame_name(item) in names:
            frames.append(frame_name(item))
        else:
            raise InvalidRequestError(f"--anim {shown(text)!r}: there is no frame {shown(item)!r}.")
    return AnimationSpec(frame_name(label), tuple(frames), fps)


def _frame_number(names: list[str], digits: str, text: str, missing: str | None = None) -> int:
    """The frame ``digits`` names, refused (by length first: int() stops at 4300 digits) when
    there is no such frame; ``missing`` is the number the message names then."""
    from studio.cli.export_inputs import shown

    number = int(digits) if len(digits.lstrip("0")) <= 9 else None
    if number is None or number >= len(names):
        raise InvalidRequestError(
            f"--anim {shown(text)!r}: frame {shown(missing or digits)} does not exist "
            f"(frames are 0-{len(names) - 1})."
        )
    return number


@COMMAND.runs
def run(args: argparse.Namespace) -> int:
    from studio.cli.export_inputs import (
        parse_int,
        project_palette_lock,
        read_inputs,
        report_export,
    )
    from studio.cli.interrupt import ctrl_c_cancels
    from studio.domain.export_requests import SheetExportRequest
    from studio.domain.sheet_options import SheetOptions
    from studio.imaging.sheets import parse_formats
    from studio.imaging.sheets.pack import MAX_FRAMES, unique_frame_names
    from studio.ops.export import check_sheet_target, export_sheet

    # The folder and an earlier export in it are refused before any image is read.
    folder = check_sheet_target(args.output, args.name, overwrite=args.overwrite)
    formats = parse_formats(args.format)
    grid = parse_grid(args.grid)
    padding = parse_int("--padding", args.padding, 0, 64, 1)
    extrude = parse_int("--extrude", args.extrude, 0, 16, 0)
    scale = parse_int("--scale", args.scale, 1, 8, 1)
    max_size = parse_int("--max-size", args.max_size, 16, 16384, 4096)
    images = read_inputs(args.inputs, args.project, limit=MAX_FRAMES, unit="frames")
    # A project locked to a palette exports on that palette (--keep-colours opts out).
    palette = None if args.keep_colours else project_palette_lock(args.project)
    labels = [image.name for image in images]
    if args.frames:
        given = [part.strip() for part in args.frames.split(",")]
        if len(given) != len(images):
            raise InvalidRequestError(
                f"--frames names {len(given)} frames but {len(images)} images were given."
            )
        labels = given
    names = unique_frame_names(labels)
    animations = tuple(parse_animation(text, names) for text in args.anim)
    request = SheetExportRequest(
        folder=folder,
        frames=tuple(replace(image, name=name) for name, image in zip(names, images, strict=True)),
        formats=tuple(formats),
        name=args.name,
        animations=animations,
        options=SheetOptions(
            layout="grid" if args.grid else "maxrects",
            grid=grid,
            padding=padding,
            extrude=extrude,
            trim=args.trim,
            pot=args.pot,
            max_size=max_size,
            scale=scale,
            pixel_art=not args.smooth,
        ),
        palette=palette,
        overwrite=args.overwrite,
    )
    with ctrl_c_cancels() as cancel:
        export = export_sheet(request, cancel)
    sheet = export.sheet
    sizes = ", ".join(f"{w}x{h}" for w, h in (sheet.page_size(p) for p in range(len(sheet.pages))))
    locked = f", snapped to {palette.name}" if palette is not None else ""
    details = f"{len(sheet.frames)} frames on {sizes}{locked}"
    return report_export(export.written, folder, details, export.notes)
