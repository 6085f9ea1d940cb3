"""``studio batch`` with control and reference cells runs them, to the pixel (issue 23)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.cli import main
from studio.imaging.decode import load_pixels
from studio.imaging.png import png_text_chunks
from studio.imaging.recipe import read_recipe
from tests.cli.test_generate_control_cli import photo, webui  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.usefixtures("one_thread"), pytest.mark.slow]


def test_a_control_cell_steers_the_batch_image_and_weight_0_does_not(webui, photo, tmp_path):
    spec = tmp_path / "set.csv"
    spec.write_text(
        "prompt,seed,control\n"
        "a fox,5,\n"
        "a fox,5,canny:photo.png:0\n"
        "a fox,5,canny:photo.png:1\n"
    )
    out = tmp_path / "out"
    args = ["batch", str(spec), "--model", str(webui), "--steps", "2", "--size", "64x64"]
    assert main([*args, "-o", str(out)]) == 0

    files = sorted(out.glob("*.png"))
    assert len(files) == 3
    plain, zero, steered = (load_pixels(path, mode="RGB").astype(int) for path in files)
    assert np.abs(zero - plain).max() <= 1  # weight 0 leaves the image as it was
    assert np.abs(steered - plain).mean() > 1.0
    text = png_text_chunks(files[2])["parameters"]
    assert 'ControlNet 0: "Module: canny, Model: control_sd15_canny [' in text
    stored = read_recipe(files[2]).request.controls
    assert [(c.kind, c.weight, c.source) for c in stored] == [("canny", 1.0, "photo.png")]
