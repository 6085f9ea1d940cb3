"""``studio pixelate`` and ``studio matte`` outputs carry their recipe, like every result.

Issue 19: both wrote bare PNGs. The recipe is the one the GUI's edits store (both run the
edit through studio.imaging.edits), so ``studio info`` can say how the file was made.
"""

from __future__ import annotations

import json

import numpy as np

from studio.cli import main
from studio.imaging.pixels import upscale_nearest
from studio.imaging.png import encode_png, png_text_chunks
from studio.imaging.recipe import read_recipe
from tests.imaging.sheets.conftest import make_sprites


def _studio_chunk(path) -> dict:
    return json.loads(png_text_chunks(path)["studio"])


def test_pixelate_output_carries_its_recipe(tmp_path, capsys) -> None:
    source = tmp_path / "big.png"
    source.write_bytes(encode_png(upscale_nearest(make_sprites(1)[0], 4)))
    out = tmp_path / "px.png"
    assert main(["pixelate", str(source), "-o", str(out), "--palette", "db16",
                 "--dither", "bayer4"]) == 0  # fmt: skip
    recipe = _studio_chunk(out)
    assert recipe["request_type"] == "PixelateRequest" and recipe["kind"] == "pixelate"
    assert recipe["request"]["palette"] == "DB16" and recipe["request"]["dither"] == "bayer4"
    assert recipe["extra"]["grid"] == 4 and recipe["extra"]["Postprocess"] == "Pixelate"
    params = read_recipe(out).params
    assert params["Postprocess"] == "Pixelate" and params["Palette"] == "DB16"


def test_matte_output_carries_its_recipe(tmp_path, capsys) -> None:
    image = np.zeros((40, 40, 3), dtype=np.uint8)
    image[...] = (8, 162, 24)
    image[10:30, 12:28] = (200, 40, 60)
    source = tmp_path / "on-green.png"
    source.write_bytes(encode_png(image))
    out = tmp_path / "cut.png"
    assert main(["matte", str(source), "-o", str(out), "--method", "cf"]) == 0
    recipe = _studio_chunk(out)
    assert recipe["request_type"] == "MatteRequest" and recipe["kind"] == "matte"
    assert recipe["extra"]["key"] == "#08a218" and recipe["request"]["method"] == "cf"
    assert read_recipe(out).params["Postprocess"] == "Remove background"
