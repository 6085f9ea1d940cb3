"""Contact sheet of built-in textures, each tiled 3x3: models/textures_grid.png.

Runs ``studio generate`` for each prompt (seeds 1 and 2, the default model's native-size
output), tiles every result 3x3 so a seam would show as a cross, enlarges with nearest
neighbour and writes one sheet. Usage: ``python tools/texture_grid.py models/textures_grid.png``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

PROMPTS = (
    "grass ground texture",
    "stone floor",
    "brick wall",
    "water texture",
    "sand texture",
    "wood planks floor",
    "lava ground",
    "cobblestone path, tileable",
    "snow ground",
    "red brick wall, pixel art",
    "blue stone tiles, flat",
    "mossy ground texture",
)
SEEDS = (1, 2)
ZOOM = 1
GAP = 6
LABEL = 14


def main(out: Path) -> None:
    cells = []
    with tempfile.TemporaryDirectory() as folder:
        for n, prompt in enumerate(PROMPTS):
            target = Path(folder) / f"t{n}.png"
            command = [sys.executable, "-m", "studio", "generate", prompt, "-o", str(target)]
            command += ["--seed", str(SEEDS[0]), "--count", str(len(SEEDS)), "--overwrite"]
            subprocess.run(command, check=True, capture_output=True)
            paths = [target] + [Path(folder) / f"t{n}-{k}.png" for k in range(2, len(SEEDS) + 1)]
            for path in paths:
                tile = np.asarray(Image.open(path).convert("RGBA"))
                big = np.tile(tile, (3, 3, 1)).repeat(ZOOM, 0).repeat(ZOOM, 1)
                cells.append((prompt, Image.fromarray(big)))
    side = cells[0][1].width
    columns = 4
    rows = -(-len(cells) // columns)
    sheet = Image.new("RGBA", (columns * (side + GAP), rows * (side + GAP + LABEL)), "white")
    draw = ImageDraw.Draw(sheet)
    for i, (prompt, image) in enumerate(cells):
        x, y = (i % columns) * (side + GAP), (i // columns) * (side + GAP + LABEL)
        draw.text((x + 2, y + 1), prompt[:40], fill="black")
        sheet.paste(image, (x, y + LABEL))
    sheet.save(out)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
