"""``studio upscale`` end to end on the tiny Real-ESRGAN: outputs, recipe, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from studio.cli import main
from studio.domain.settings import EngineSettings
from studio.imaging.decode import load_pixels
from studio.imaging.png import encode_png
from studio.imaging.recipe import read_recipe
from studio.project.settings import save_engine_settings
from tests.engine.upscale.tiny_esrgan import save_tiny_esrgan

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture
def image(tmp_path: Path) -> Path:
    pixels = np.random.default_rng(0).integers(0, 256, (12, 10, 4), dtype=np.uint8)
    path = tmp_path / "sprite.png"
    path.write_bytes(encode_png(pixels, {"parameters": "a red potion\nSteps: 4, Seed: 7"}))
    return path


def _upscale(image: Path, out: Path, model: str, *extra: str) -> int:
    return main(["upscale", str(image), "-o", str(out), "--model", model, *extra])


def test_a_model_file_upscales_with_the_recipe(image: Path, tmp_path: Path, capsys) -> None:
    model = save_tiny_esrgan(tmp_path / "models", suffix=".safetensors")
    out = tmp_path / "big.png"
    assert _upscale(image, out, str(model), "--device", "cpu") == 0
    assert load_pixels(out).shape == (48, 40, 4)
    recipe = read_recipe(out)
    assert recipe.params["Postprocess upscale by"] == "4"
    assert recipe.params["Postprocess upscaler"] == "tiny-esrgan"
    studio = json.loads(recipe.raw["studio"])
    assert studio["extra"]["source_recipe"]["parameters"].startswith("a red potion")
    assert capsys.readouterr().out.startswith(f"wrote {out} (40x48, tiny-esrgan x4")


def test_a_name_from_the_model_folders(image: Path, tmp_path: Path, capsys) -> None:
    webui = tmp_path / "webui"
    save_tiny_esrgan(webui / "models" / "RealESRGAN", name="4x-Tiny")
    # A model folder in the settings, as `studio models --add` will keep an install's root.
    save_engine_settings(EngineSettings(model_paths=(str(webui),)))
    out = tmp_path / "big.png"
    assert _upscale(image, out, "4x-Tiny", "--device", "cpu", "--scale", "2", "--json") == 0
    facts = json.loads(capsys.readouterr().out)
    assert (facts["width"], facts["height"], facts["upscaler"], facts["scale"]) == (
        20, 24, "4x-Tiny", 2
    )  # fmt: skip


def test_nearest_with_tile_and_json(image: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "big.png"
    assert _upscale(image, out, "nearest", "--scale", "3", "--tile", "xy", "--json") == 0
    assert json.loads(capsys.readouterr().out)["width"] == 30
    source = load_pixels(image)
    assert np.array_equal(load_pixels(out), source.repeat(3, axis=0).repeat(3, axis=1))


def test_an_existing_output_is_refused_without_overwrite(image: Path, tmp_path: Path, capsys):
    out = tmp_path / "big.png"
    out.write_bytes(b"keep me")
    assert _upscale(image, out, "nearest") != 0
    assert "already exists" in capsys.readouterr().err and out.read_bytes() == b"keep me"
    assert _upscale(image, out, "nearest", "--overwrite") == 0
    assert load_pixels(out).shape == (24, 20, 4)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--scale", "0"), "--scale"),
        (("--scale", "17"), "--scale"),
        (("--tile", "z"), "Tile 'z' is not x, y or xy."),
    ],
)
def test_bad_options_are_one_line(image: Path, tmp_path: Path, capsys, extra, message) -> None:
    out = tmp_path / "big.png"
    assert _upscale(image, out, "nearest", *extra) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and not out.exists()


def test_an_unknown_name_is_one_line(image: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "big.png"
    assert _upscale(image, out, "4x-Missing", "--device", "cpu") != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("studio upscale: error: No upscaler named '4x-Missing'")
    assert not out.exists()
