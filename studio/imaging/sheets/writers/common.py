"""What every atlas writer shares: page file names and frame order per page."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from studio.imaging.sheets.model import PackedSheet, PlacedFrame

APP_NAME = "Studio"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


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


def json_file_bytes(document: Any) -> bytes:
    """``document`` as the UTF-8 bytes of a JSON file, valid whatever text it holds.

    A lone surrogate (a file name that was not UTF-8) cannot be encoded, and written as an
    escape it is JSON that strict readers refuse; it becomes U+FFFD instead. Anything JSON
    cannot hold (a path, a date in a recipe) is written as its text.
    """
    text = json.dumps(document, indent=2, default=str, ensure_ascii=False) + "\n"
    return _LONE_SURROGATE.sub("\ufffd", text).encode("utf-8")
