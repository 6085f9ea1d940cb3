"""``studio generate`` edit options and ``studio tile`` end to end on a tiny model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import skimage.data

from studio.cli import main
from studio.imaging.decode import load_pixels
from studio.imaging.masks import encode_mask_png
from studio.imaging.png import encode_png
from studio.imaging.recipe import read_recipe
from studio.imaging.seams import seam_scores

pytestmark = pytest.mark.usefixtures("one_thread")


def _generate(model: Path, out: Path, *extra: str) -> int:
    args = ["generate", "a stone wall", "--model", str(model), "--steps", "2", "--seed", "3"]
    return main([*args, *extra, "-o", str(out)])


def _init(tmp_path: Path) -> tuple[Path, np.ndarray]:
    pixels = np.asarray(skimage.data.rocket()[:64, :64], dtype=np.uint8)
    path = tmp_path / "init.png"
    path.write_bytes(encode_png(pixels))
    return path, pixels


def test_generate_with_a_mask_keeps_the_rest_and_records_it(tiny_sd_dir, tmp_path, capsys) -> None:
    init, pixels = _init(tmp_path)
    mask = np.zeros((64, 64), np.uint8)
    mask[16:48, 16:48] = 255
    (tmp_path / "mask.png").write_bytes(encode_mask_png(mask.astype(np.float32) / 255))
    out = tmp_path / "inpainted.png"
    assert _generate(tiny_sd_dir, out, "--init", str(init), "--mask", str(tmp_path / "mask.png"),
                     "--mask-blur", "0") == 0  # fmt: skip
    result = load_pixels(out, mode="RGB")
    assert result.shape == (64, 64, 3)  # the source's size, not the model's 512
    assert np.array_equal(result[mask == 0], pixels[mask == 0])
    recipe = read_recipe(out)
    assert recipe.params["Mask blur"] == "0" and recipe.params["Denoising strength"] == "1"
    assert main(["info", str(out)]) == 0
    assert "Mask blur: 0" in capsys.readouterr().out


def test_outpaint_grows_the_canvas_and_keeps_the_old_one(tiny_sd_dir, tmp_path) -> None:
    init, pixels = _init(tmp_path)
    out = tmp_path / "wider.png"
    assert _generate(tiny_sd_dir, out, "--init", str(init), "--outpaint", "0,0,32,8",
                     "--mask-blur", "0") == 0  # fmt: skip
    result = load_pixels(out, mode="RGB")
    assert result.shape == (72, 96, 3)
    kept = 64 - 16  # the overlap next to each grown side is repainted on purpose
    assert np.array_equal(result[:kept, :kept], pixels[:kept, :kept])
    request = read_recipe(out).request
    assert request.outpaint == (0, 0, 32, 8) and request.outpaint_fill == "edge"


def test_variation_and_tiling_options_replay_from_the_recipe(tiny_sd_dir, tmp_path) -> None:
    out, again = tmp_path / "v.png", tmp_path / "again.png"
    options = ("--size", "64x64", "--variation-seed", "9", "--variation-strength", "0.4")
    assert _generate(tiny_sd_dir, out, *options, "--tile", "x") == 0
    recipe = read_recipe(out)
    assert recipe.params["Variation seed"] == "9" and recipe.params["Tiling"] == "x"
    assert "Seam score X" in recipe.params
    request = recipe.request
    assert (request.variation_seed, request.variation_strength, request.tile_x) == (9, 0.4, True)
    assert _generate(tiny_sd_dir, again, *options, "--tile", "x") == 0
    assert np.array_equal(load_pixels(out), load_pixels(again))


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (("--mask", "m.png"), "--mask needs the image to edit"),
        (("--tile", "z"), "is not x, y or xy"),
        (("--outpaint", "1,2"), "LEFT,TOP,RIGHT,BOTTOM"),
        (("--variation-strength", "3"), "Variation strength 3 is out of range"),
    ],
)
def test_bad_edit_options_are_one_line(tiny_sd_dir, tmp_path, capsys, extra, fragment) -> None:
    assert _generate(tiny_sd_dir, tmp_path / "x.png", "--size", "64x64", *extra) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and fragment in err[0], err


def test_studio_tile_makes_a_photo_seamless_and_writes_its_recipe(tmp_path, capsys) -> None:
    photo = tmp_path / "rocket.png"
    photo.write_bytes(encode_png(skimage.data.rocket()))
    out = tmp_path / "tile.png"
    assert main(["tile", str(photo), "-o", str(out)]) == 0
    assert "seam score x" in capsys.readouterr().out
    scores = seam_scores(load_pixels(out, mode="RGB"))
    assert scores["x"] < 1.25 and scores["y"] < 1.25
    recipe = read_recipe(out)
    assert recipe.params["Kind"] == "tile" and "Seam score X" in recipe.params
    assert main(["tile", str(photo), "-o", str(tmp_path / "again.png")]) == 0
    assert np.array_equal(load_pixels(out), load_pixels(tmp_path / "again.png"))


def test_studio_tile_with_a_model_inpaints_only_the_cross(tiny_sd_dir, tmp_path) -> None:
    pixels = np.asarray(skimage.data.rocket()[:96, :128], dtype=np.uint8)
    photo = tmp_path / "crop.png"
    photo.write_bytes(encode_png(pixels))
    out = tmp_path / "tile.png"
    args = ["tile", str(photo), "-o", str(out), "--model", str(tiny_sd_dir), "--seed", "1"]
    assert main([*args, "--band", "16", "--strength", "0.6"]) == 0
    result = load_pixels(out, mode="RGB")
    assert np.array_equal(result[24:72, 24:104], pixels[24:72, 24:104])  # away from the edges
    assert not np.array_equal(result[:, :4], pixels[:, :4])
    assert read_recipe(out).params["Model"] == str(tiny_sd_dir)
