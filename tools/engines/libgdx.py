"""libGDX's atlas, read by spine-core's ``TextureAtlas`` (the same ``.atlas`` text layout).

libGDX itself is a JVM library on Maven Central, out of reach here; spine-core's reader parses
the same page and region fields. ``libgdx.mjs`` prints what it parsed; this module rebuilds
every region at its original size from those numbers alone (bounds on the page, ``offset``
from the bottom-left corner as libGDX measures it, rotation) for ``check_engines.py`` to compare
with the source sprites.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
SPINE_CORE = "@esotericsoftware/spine-core/dist/index.js"


def read_atlas(modules: Path, atlas: Path) -> dict:
    """What spine-core parsed from ``atlas``: ``{"pages": [...], "regions": [...]}``."""
    run = subprocess.run(["node", str(HERE / "libgdx.mjs"), str(modules / SPINE_CORE), str(atlas)],
                         capture_output=True, text=True, check=True, timeout=120)  # fmt: skip
    return json.loads(run.stdout)


def rebuild(folder: Path, parsed: dict) -> tuple[dict, dict, set[int]]:
    """Frames (regions with ``index`` -1), animations (regions sharing a name, by ``index``, as
    ``TextureAtlas.findRegions`` orders them) and the rotations seen."""
    pages = {p["name"]: np.asarray(Image.open(folder / p["name"]).convert("RGBA"))
             for p in parsed["pages"]}  # fmt: skip
    frames: dict[str, np.ndarray] = {}
    indexed: dict[str, list[tuple[int, np.ndarray]]] = {}
    degrees = set()
    for region in parsed["regions"]:
        degrees.add(region["degrees"])
        pixels = _region_pixels(pages[region["page"]], region)
        if region["index"] < 0:
            frames[region["name"]] = pixels
        else:
            indexed.setdefault(region["name"], []).append((region["index"], pixels))
    anims = {name: [p for _i, p in sorted(items, key=lambda item: item[0])]
             for name, items in indexed.items()}  # fmt: skip
    return frames, anims, degrees


def _region_pixels(page: np.ndarray, region: dict) -> np.ndarray:
    width, height = region["width"], region["height"]
    x, y = region["x"], region["y"]
    if region["degrees"] == 90:  # stored turned a quarter clockwise: turn it back
        cut = np.rot90(page[y : y + width, x : x + height], k=1)
    else:
        cut = page[y : y + height, x : x + width]
    canvas = np.zeros((region["originalHeight"], region["originalWidth"], 4), dtype=np.uint8)
    top = region["originalHeight"] - height - region["offsetY"]  # offsetY counts from the bottom
    canvas[top : top + height, region["offsetX"] : region["offsetX"] + width] = cut
    return canvas
