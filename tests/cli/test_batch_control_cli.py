"""``studio batch`` with control and reference cells runs them, to the pixel (issue 23)."""

from __future__ import annotations

import numpy as np
import pytest

from studio.cli import main
from studio.imaging.decode import load_pixels
from studio.imaging.png import png_text_chunks
from studio.imaging.recipe import read_recipe
from tests.cli import test_generate_control_cli as generate_control

pytestmark = [pytest.mark.usefixtures("one_thread"), pytest.mark.slow]
# The tiny model with its canny ControlNet, and a picture to make the control image of.
webui, photo = generate_control.webui, generate_control.photo


def test_a_control_cell_steers_the_batch_image_and_weight_0_does_not(webui, photo, tmp_path):
    spec = tmp_path / "set.csv"
    spec.write_text(
        "prompt,seed,control\na fox,5,\na fox,5,canny:photo.png:0\na fox,5,canny:photo.png:1\n"
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


def test_a_row_with_a_mask_and_a_control_inpaints_with_it(webui, photo, tmp_path):
    """Refused before (``control: inpainting cannot take a control image yet``)."""
    from studio.imaging.png import encode_png

    mask = np.zeros((64, 64, 3), dtype=np.uint8)
    mask[:, 32:] = 255
    (tmp_path / "mask.png").write_bytes(encode_png(mask))
    spec = tmp_path / "set.csv"
    row = "a fox,5,photo.png,mask.png"
    spec.write_text(f"prompt,seed,init_image,mask_image,control\n{row},\n{row},canny:photo.png\n")
    out = tmp_path / "out"
    args = ["batch", str(spec), "--model", str(webui), "--steps", "2", "--size", "64x64"]
    assert main([*args, "-o", str(out)]) == 0

    plain, steered = (
        load_pixels(path, mode="RGB").astype(int) for path in sorted(out.glob("*.png"))
    )
    assert np.abs(steered[:, 40:] - plain[:, 40:]).mean() > 1.0  # the repainted half differs
    source = load_pixels(photo, mode="RGB").astype(int)
    assert np.array_equal(steered[:, :12], source[:, :12])  # kept: the source's (past the feather)
