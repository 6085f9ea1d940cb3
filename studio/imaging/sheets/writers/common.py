"""What every atlas writer shares: page file names and frame order per page."""

from __future__ import annotations

import hashlib

from studio.imaging.sheets.model import PackedSheet, PlacedFrame

APP_NAME = "Studio"


def page_image_name(base: str, page: int, page_count: int) -> str:
    """``base.png`` for a one-page sheet, ``base-1.png``, ``base-2.png`` ... otherwise."""
    return f"{base}.png" if page_count == 1 else f"{base}-{page + 1}.png"


def page_file_name(base: str, page: int, page_count: int, suffix: str) -> str:
    """The per-page data file next to its image (``base.json`` or ``base-2.json``)."""
    return page_image_name(base, page, page_count)[: -len(".png")] + suffix


def frames_on_page(sheet: PackedSheet, page: int) -> list[PlacedFrame]:
    """The page's frames in frame order."""
    return sorted((f for f in sheet.frames if f.page == page), key=lambda f: f.index)


def stable_hex(*parts: str, length: int = 32) -> str:
    """A hex id that depends only on ``parts``: the same sheet and frame give the same id."""
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:length]


def rect(frame: PlacedFrame) -> dict[str, int]:
    return {"x": frame.x, "y": frame.y, "w": frame.w, "h": frame.h}
