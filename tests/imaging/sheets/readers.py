"""Reading exported files back with the real readers (json, godot-parser, PyYAML, csv).

No libGDX atlas reader exists on PyPI, so ``read_libgdx_atlas`` is a small reader of that
text format written from libGDX's own description (TextureAtlas.TextureAtlasData), used only
here.
"""

from __future__ import annotations

import csv
import io
import json

import godot_parser
import yaml


def read_json(data: bytes) -> dict:
    return json.loads(data.decode("utf-8"))


def read_godot(data: bytes):
    """godot-parser 0.1.7 predates Godot 4's StringName literal ``&"walk"``; it reads the
    resource once that prefix is dropped (Godot itself accepts both)."""
    return godot_parser.parse(data.decode("utf-8").replace('&"', '"'))


def read_unity(data: bytes) -> dict:
    return yaml.safe_load(data.decode("utf-8"))


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def read_libgdx_atlas(data: bytes) -> list[dict]:
    """Pages as ``{"image", "size", "filter", "regions": [{"name", "xy", "size", ...}]}``."""
    pages: list[dict] = []
    page = None
    region = None
    for line in data.decode("utf-8").splitlines():
        if not line.strip():
            page = region = None
            continue
        if page is None:
            page = {"image": line.strip(), "regions": []}
            pages.append(page)
            continue
        if ":" in line:
            key, value = (part.strip() for part in line.split(":", 1))
            target = region if line.startswith(" ") and region is not None else page
            target[key] = value
            continue
        region = {"name": line.strip()}
        page["regions"].append(region)
    return pages


def ints(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(","))
