"""``studio generate --control``: units made from image files, recorded, refused in one line."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from studio.cli import main
from studio.domain.unit_text import parse_control
from studio.imaging.decode import load_pixels
from studio.imaging.png import encode_png, png_text_chunks
from studio.imaging.recipe import read_recipe
from tests.engine.control_files import save_a1111_file, tiny_controlnet
from tests.sd_fixtures import a1111_install, one_error_line, square_png

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture
def webui(tiny_sd_dir: Path, tmp_path: Path) -> Path:
    """The tiny model in models/Stable-diffusion, a canny ControlNet made from its UNet beside."""
    from diffusers import UNet2DConditionModel

    models = a1111_install(tiny_sd_dir, tmp_path)
    unet = UNet2DConditionModel.from_pretrained(tiny_sd_dir / "unet")
    save_a1111_file(tiny_controlnet(unet), models / "ControlNet" / "control_sd15_canny.safetensors")
    return models / "Stable-diffusion" / "tiny"


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "photo.png"
    path.write_bytes(square_png(64, slice(16, 48), (230, 230, 230)))  # canny draws its outline
    return path


def _generate(model: Path, out: Path, *extra: str) -> int:
    args = ["generate", "a fox", "--model", str(model), "--steps", "2", "--size", "64x64"]
    return main([*args, "--seed", "5", *extra, "-o", str(out)])


def test_a_control_steers_the_image_and_its_unit_is_in_the_recipe(webui, photo, tmp_path):
    plain, zero, steered = (tmp_path / f"{name}.png" for name in ("plain", "zero", "one"))
    assert _generate(webui, plain) == 0
    assert _generate(webui, zero, "--control", f"canny:{photo}:0") == 0
    assert _generate(webui, steered, "--control", f"canny:{photo}:1:0:0.5") == 0

    base, off, on = (load_pixels(path, mode="RGB").astype(int) for path in (plain, zero, steered))
    assert np.abs(off - base).max() <= 1  # weight 0 leaves the image as it was
    assert np.abs(on - base).mean() > 1.0
    text = png_text_chunks(steered)["parameters"]
    assert 'ControlNet 0: "Module: canny, Model: control_sd15_canny [' in text
    assert "Guidance End: 0.5" in text
    stored = read_recipe(steered).request.controls
    assert [(c.kind, c.weight, c.end, c.source) for c in stored] == [
        ("canny", 1.0, 0.5, "photo.png")
    ]


def test_control_model_names_the_file(webui, photo, tmp_path):
    model = webui.parent.parent / "ControlNet" / "control_sd15_canny.safetensors"
    out = tmp_path / "named.png"
    args = ("--control", f"none:{photo}", "--control-model", str(model))
    assert _generate(webui, out, *args) == 0
    assert "Module: none, Model: control_sd15_canny" in png_text_chunks(out)["parameters"]


@pytest.mark.parametrize(
    ("text", "kind", "image", "numbers"),
    [
        ("canny:a.png", "canny", "a.png", (1.0, 0.0, 1.0)),
        ("Pose:a.png:0.5", "openpose", "a.png", (0.5, 0.0, 1.0)),
        ("scribble:C:/art/a.png:1.2:0.1:0.9", "scribble", "C:/art/a.png", (1.2, 0.1, 0.9)),
        ("seg:dir:2/a.png", "blockout", "dir:2/a.png", (1.0, 0.0, 1.0)),
    ],
)
def test_control_values_are_read_with_colons_in_paths(text, kind, image, numbers):
    option = parse_control(text)
    assert (option.kind, str(option.image), (option.weight, option.start, option.end)) == (
        kind,
        str(Path(image)),
        numbers,
    )


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("canny", "needs KIND:IMAGE"),
        ("canny:", "needs KIND:IMAGE"),
        ("depth:a.png", "Control kind 'depth' is unknown"),
        ("canny:a.png:1:0:0", "must satisfy 0 <= start < end <= 1"),
        ("canny:a.png:5", "Control weight 5 is out of range"),
    ],
)
def test_a_malformed_control_is_one_line_before_any_model_loads(value, fragment, tmp_path, capsys):
    if value.startswith("canny:a.png"):
        (tmp_path / "a.png").write_bytes(encode_png(np.zeros((8, 8, 3), dtype=np.uint8)))
        value = value.replace("a.png", str(tmp_path / "a.png"))
    assert _generate(Path("builtin-vae"), tmp_path / "x.png", "--control", value) != 0
    assert fragment in one_error_line(capsys)


def test_image_files_that_cannot_be_read_are_one_line_naming_them(webui, tmp_path, capsys):
    missing = tmp_path / "missing.png"
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    for path in (missing, fifo, text):
        assert _generate(webui, tmp_path / "x.png", "--control", f"canny:{path}") != 0
        assert path.name in one_error_line(capsys)
    assert not (tmp_path / "x.png").exists()


def test_a_built_in_model_refuses_a_control_in_one_line(photo, tmp_path, capsys):
    out = tmp_path / "x.png"
    args = ["generate", "a fox", "--model", "builtin-vae", "--control", f"canny:{photo}"]
    assert main([*args, "-o", str(out)]) != 0
    line = one_error_line(capsys)
    assert "--control needs a Stable Diffusion model" in line
    assert "cannot take a control image" in line
    assert not out.exists()


def test_too_many_control_models_are_refused(webui, photo, tmp_path, capsys):
    many = ("--control", f"canny:{photo}", "--control-model", "a", "--control-model", "b")
    assert _generate(webui, tmp_path / "x.png", *many) != 0
    assert "2 --control-model for 1 --control" in one_error_line(capsys)


def test_an_inpaint_takes_a_control_and_keeps_the_unmasked_pixels(webui, photo, tmp_path):
    """Refused before (``Inpainting cannot take a control image yet``)."""
    mask = np.zeros((64, 64, 3), dtype=np.uint8)
    mask[:, 32:] = 255
    (tmp_path / "mask.png").write_bytes(encode_png(mask))
    plain, steered = tmp_path / "plain.png", tmp_path / "steered.png"
    masked = ("--init", str(photo), "--mask", str(tmp_path / "mask.png"), "--mask-blur", "0")
    assert _generate(webui, plain, *masked) == 0
    assert _generate(webui, steered, *masked, "--control", f"canny:{photo}") == 0
    before, after = (load_pixels(path, mode="RGB").astype(int) for path in (plain, steered))
    source = load_pixels(photo, mode="RGB").astype(int)
    assert np.array_equal(after[:, :32], source[:, :32])
    assert np.abs(after[:, 32:] - before[:, 32:]).mean() > 1.0
    assert "ControlNet 0" in png_text_chunks(steered)["parameters"]
