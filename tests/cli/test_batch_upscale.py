"""``studio batch --upscale``: every result upscaled before it lands, resumable like the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.cli import main
from studio.imaging.decode import load_pixels
from studio.imaging.recipe import read_recipe
from tests.engine.upscale.tiny_esrgan import save_tiny_esrgan

pytestmark = pytest.mark.usefixtures("one_thread")


def _batch(out: Path, *extra: str) -> int:
    return main(["batch", "{red|blue} orb", "--seed", "1", "-o", str(out), *extra])


def test_every_result_is_upscaled_with_both_recipes(tmp_path: Path) -> None:
    plain, big = tmp_path / "plain", tmp_path / "big"
    assert _batch(plain) == 0
    assert _batch(big, "--upscale", "nearest", "--upscale-scale", "2") == 0
    for small_png, big_png in zip(
        sorted(plain.glob("*.png")), sorted(big.glob("*.png")), strict=True
    ):
        small = load_pixels(small_png)
        assert load_pixels(big_png).shape[:2] == (small.shape[0] * 2, small.shape[1] * 2)
        recipe = read_recipe(big_png)
        assert recipe.params["Postprocess upscale by"] == "2"
        extra = json.loads(recipe.raw["studio"])["extra"]
        assert extra["source_recipe"]["request"]["prompt"] in ("red orb", "blue orb")
        assert "batch_item" in extra  # so a --resume knows it is done


def test_a_model_file_upscales_and_resume_keeps_the_option(tmp_path: Path, capsys) -> None:
    model = save_tiny_esrgan(tmp_path / "models")
    out = tmp_path / "big"
    assert _batch(out, "--upscale", str(model), "--device", "cpu") == 0
    assert load_pixels(next(out.glob("*.png"))).shape[0] % 4 == 0
    capsys.readouterr()
    assert main(["batch", "-o", str(out), "--resume", "--upscale", "nearest"]) == 1
    assert "--upscale differs from the batch" in capsys.readouterr().err
    assert main(["batch", "-o", str(out), "--resume"]) == 0
    assert "0 made, 2 already there" in capsys.readouterr().err


def test_an_unknown_upscaler_is_refused_before_any_image(tmp_path: Path, capsys) -> None:
    out = tmp_path / "big"
    assert _batch(out, "--upscale", "4x-Missing") == 1
    err = capsys.readouterr().err
    assert "No upscaler named '4x-Missing'" in err and not list(out.glob("*.png"))
