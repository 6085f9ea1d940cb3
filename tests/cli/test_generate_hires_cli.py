"""``studio generate --hires-scale``: A1111's hires fix from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.cli import main
from studio.imaging.decode import load_pixels
from studio.imaging.png import png_text_chunks
from studio.imaging.recipe import read_recipe

pytestmark = pytest.mark.usefixtures("one_thread")


def _argv(model: str, out: Path, *extra: str) -> list[str]:
    base = ["generate", "a red gem", "--model", model, "--steps", "2", "--seed", "5"]
    return [*base, "--size", "64x64", *extra, "-o", str(out)]


def _one_error_line(capsys) -> str:
    err = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert len(err) == 1, err
    return err[0]


def test_hires_fix_writes_the_larger_image_and_a1111s_keys(tiny_sd_dir, tmp_path, capsys) -> None:
    out = tmp_path / "hires.png"
    hires = ["--hires-scale", "2", "--hires-upscaler", "Lanczos", "--hires-steps", "2"]
    assert main(_argv(str(tiny_sd_dir), out, *hires, "--denoise", "0.5")) == 0, (
        capsys.readouterr().err
    )
    assert load_pixels(out, mode="RGB").shape == (128, 128, 3)
    parameters = png_text_chunks(out)["parameters"]
    assert "Size: 64x64" in parameters
    assert "Denoising strength: 0.5, Hires upscale: 2, Hires steps: 2, Hires upscaler: Lanczos" in (
        parameters
    )
    request = read_recipe(out).request
    assert (request.hires_scale, request.hires_upscaler, request.strength) == (2, "lanczos", 0.5)


def test_a_builtin_model_refuses_hires_fix_in_one_line(tmp_path, capsys) -> None:
    out = tmp_path / "x.png"
    assert main(_argv("builtin-vae", out, "--hires-scale", "2")) == 1
    line = _one_error_line(capsys)
    assert "--hires-scale needs a Stable Diffusion model" in line
    assert "has no image-to-image pass to repaint a larger image with" in line
    assert not out.exists()


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--hires-steps", "3"], "--hires-steps applies with --hires-scale N"),
        (["--hires-scale", "9"], "Hires scale 9 is out of range"),
        (["--hires-size", "100x100"], "must be a multiple of 8"),
    ],
)
def test_bad_hires_options_are_one_line(tiny_sd_dir, tmp_path, capsys, extra, fragment) -> None:
    out = tmp_path / "x.png"
    assert main(_argv(str(tiny_sd_dir), out, *extra)) != 0
    assert fragment in _one_error_line(capsys)
    assert not out.exists()
