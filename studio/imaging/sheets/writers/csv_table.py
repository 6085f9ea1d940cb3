"""A plain CSV of frame rectangles, one row per frame, for engines without a format here."""

from __future__ import annotations

import csv
import io

from studio.imaging.sheets.model import PackedSheet
from studio.imaging.sheets.writers.common import page_image_name

COLUMNS = (
    "name", "image", "x", "y", "width", "height",
    "source_width", "source_height", "offset_x", "offset_y", "trimmed", "animations",
)  # fmt: skip


def csv_table(sheet: PackedSheet, base: str) -> bytes:
    """The text of ``base.csv`` (top-left origin; ``animations`` as ``walk:8fps:0`` items)."""
    count = len(sheet.pages)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for frame in sorted(sheet.frames, key=lambda f: f.index):
        uses = [
            f"{a.name}:{a.fps:g}fps:{position}"
            for a in sheet.animations
            for position, name in enumerate(a.frames)
            if name == frame.name
        ]
        writer.writerow(
            [
                frame.name,
                page_image_name(base, frame.page, count),
                frame.x,
                frame.y,
                frame.w,
                frame.h,
                frame.source_w,
                frame.source_h,
                frame.offset_x,
                frame.offset_y,
                int(frame.trimmed),
                " ".join(uses),
            ]
        )
    return buffer.getvalue().encode("utf-8")
