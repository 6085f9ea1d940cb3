"""Sprite sheets: packing (rectpack MaxRects or a grid), trim, extrude, and atlas writers."""

from studio.imaging.sheets.export import (
    SHEET_FORMATS,
    parse_formats,
    recipes_file_name,
    sheet_files,
    sheet_notes,
)
from studio.imaging.sheets.model import (
    Animation,
    PackedSheet,
    PlacedFrame,
    SheetFrame,
    frame_name,
)
from studio.imaging.sheets.pack import pack_sheet

__all__ = [
    "SHEET_FORMATS",
    "Animation",
    "PackedSheet",
    "PlacedFrame",
    "SheetFrame",
    "frame_name",
    "pack_sheet",
    "parse_formats",
    "recipes_file_name",
    "sheet_files",
    "sheet_notes",
]
