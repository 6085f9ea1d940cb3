"""Sheet and tile-set export: pack what a request names and write it, all of it or nothing.

The one path for ``studio sheet``, ``studio tileset`` and the Export Sprite Sheet dialog. Every
file goes into the request's folder and nowhere else, an existing file is replaced only when
the request says ``overwrite`` (the dialog asks the user first; the CLI needs
``--overwrite``), a failed write removes what this export created, and a folder holding an
earlier export is refused without ``overwrite`` and left with none of its stale files with it
(:func:`studio.ops.output.write_export`, :mod:`studio.ops.export_manifest`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path

from studio.domain.errors import JobCancelled
from studio.domain.export_requests import SheetExportRequest, TilesetRequest
from studio.imaging.palettes import Palette
from studio.imaging.palettes.lock import snap_to_palette
from studio.imaging.sheets import (
    Animation,
    PackedSheet,
    SheetFrame,
    pack_sheet,
    recipes_file_name,
    sheet_files,
    sheet_notes,
)
from studio.imaging.tilesets import build_tileset, tileset_file_names, tileset_files
from studio.imaging.tilesets.layout import TileSet
from studio.ops.output import check_export_folder, check_export_names, write_export


@dataclass(frozen=True)
class SheetExport:
    """What :func:`export_sheet` wrote: the files, in order, the packed sheet, and one line
    for each thing the user should know (an earlier file left alone, an animation some
    format cannot hold)."""

    written: list[Path]
    sheet: PackedSheet
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TilesetExport:
    """What :func:`export_tileset` wrote: the files, in order, the tile set and notes."""

    written: list[Path]
    tileset: TileSet
    notes: tuple[str, ...] = ()


def check_sheet_target(folder: Path | None, name: str, *, overwrite: bool) -> Path:
    """Refuse, before any image is read, a folder a sheet export cannot use.

    Every sheet export writes its recipes file under the same name, so an earlier export in
    ``folder`` is found here; the full list of files is checked again before writing.

    Raises
    ------
    OutputError
        No folder, a folder that cannot be written, or an earlier export without
        ``overwrite``.
    """
    folder = check_export_folder(folder)
    check_export_names(folder, [recipes_file_name(name)], overwrite=overwrite)
    return folder


def check_tileset_target(folder: Path | None, name: str, *, overwrite: bool) -> Path:
    """Refuse, before any image is read, a folder a tile-set export cannot use.

    Raises
    ------
    OutputError
        As :func:`check_sheet_target`, for every file the tile set would write.
    """
    folder = check_export_folder(folder)
    check_export_names(folder, tileset_file_names(name), overwrite=overwrite)
    return folder


def export_sheet(request: SheetExportRequest, cancel: threading.Event | None = None) -> SheetExport:
    """Pack the request's frames (snapped to its palette, if any) and write the sheet.

    Parameters
    ----------
    cancel
        Checked before packing and again before the first byte is written (the CPU lane's
        cancel); once writing starts the export runs to its end, every file or none.

    Raises
    ------
    JobCancelled
        ``cancel`` was set before writing began; nothing was written.
    StudioError
        A frame set or animation the packer refuses (one line), or an
        :class:`~studio.domain.errors.OutputError` naming the file that could not be written;
        nothing new is left in the folder then.
    """
    folder = check_sheet_target(request.folder, request.name, overwrite=request.overwrite)
    _check(cancel)
    sheet = pack_sheet(_frames(request), _animations(request), request.options)
    files = sheet_files(sheet, request.name, list(request.formats))
    _check(cancel)
    written, cleanup = write_export(folder, files, overwrite=request.overwrite)
    notes = (*sheet_notes(sheet, request.formats), *cleanup.notes)
    return SheetExport(written, sheet, notes)


def export_tileset(request: TilesetRequest, cancel: threading.Event | None = None) -> TilesetExport:
    """Lay the request's tiles on a grid and write the tile-set files.

    Parameters
    ----------
    cancel
        The same checkpoints as :func:`export_sheet`: before the grid is laid, before its
        files are encoded and before the first byte is written; once writing starts the
        export runs to its end, every file or none.

    Raises
    ------
    JobCancelled
        ``cancel`` was set before writing began; nothing was written.
    StudioError
        Tiles of different sizes or too many (one line), or an
        :class:`~studio.domain.errors.OutputError` naming the file that could not be written;
        nothing new is left in the folder then.
    """
    folder = check_tileset_target(request.folder, request.name, overwrite=request.overwrite)
    _check(cancel)
    tileset = build_tileset(
        request.name,
        [tile.pixels for tile in request.tiles],
        columns=request.columns,
        spacing=request.spacing,
        margin=request.margin,
    )
    _check(cancel)
    files = tileset_files(tileset, [tile.source for tile in request.tiles])
    _check(cancel)
    written, cleanup = write_export(folder, files, overwrite=request.overwrite)
    return TilesetExport(written, tileset, cleanup.notes)


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise JobCancelled()


def _frames(request: SheetExportRequest) -> list[SheetFrame]:
    locked = request.palette
    palette = None if locked is None else Palette(locked.name, locked.colours)
    if palette is None:
        return list(request.frames)  # a request's images are the packer's frames as they are
    return [
        replace(image, pixels=snap_to_palette(image.pixels, palette)) for image in request.frames
    ]


def _animations(request: SheetExportRequest) -> list[Animation]:
    return [Animation(a.name, a.frames, a.fps) for a in request.animations]
