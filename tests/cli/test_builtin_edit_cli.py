"""``studio generate`` asks the same edit table as the GUI: builtin-diffusion inpaints and
outpaints from the command line too, and what a model cannot do is refused in the CLI's words
before the model loads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.cli import main
from studio.imaging.decode import load_pixels
from studio.imaging.masks import encode_mask_png
from studio.imaging.png import encode_png
from studio.imaging.recipe import read_recipe

pytestmark = pytest.mark.usefixtures("one_thread")


def _init(tmp_path: Path) -> Path:
    pixels = np.zeros((64, 64, 4), np.uint8)
    pixels[..., 0] = 200
    pixels[..., 3] = 255
    path = tmp_path / "init.png"
    path.write_bytes(encode_png(pixels))
    return path


def _mask(tmp_path: Path) -> Path:
    mask = np.zeros((64, 64), np.float32)
    mask[16:48, 16:48] = 1.0
    path = tmp_path / "mask.png"
    path.write_bytes(encode_mask_png(mask))
    return path


def _generate(tmp_path: Path, model: str, *extra: str) -> tuple[list[str], Path]:
    out = tmp_path / "out.png"
    argv = ["generate", "a red gem", "--model", model, "--steps", "2", "--seed", "5"]
    return [*argv, *extra, "-o", str(out)], out


def _one_line(argv: list[str], capsys) -> str:
    code = main(argv)
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if "error:" in line]
    assert code == 1, captured.err
    assert len(lines) == 1, captured.err
    return lines[0]


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_builtin_diffusion_inpaints_from_the_command_line(tmp_path, capsys) -> None:
    # Refused before ("--init needs a Stable Diffusion model") though the GUI inpaints with it.
    init, mask = _init(tmp_path), _mask(tmp_path)
    argv, out = _generate(
        tmp_path, "builtin-diffusion", "--init", str(init), "--mask", str(mask), "--mask-blur", "0"
    )
    assert main(argv) == 0, capsys.readouterr().err
    result = load_pixels(out, mode="RGBA")
    assert result.shape == (64, 64, 4)
    assert np.array_equal(result[:8, :8], load_pixels(init, mode="RGBA")[:8, :8])  # kept
    recipe = read_recipe(out)
    assert recipe.request.model == "builtin-diffusion" and recipe.params["Mask blur"] == "0"


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_builtin_diffusion_outpaints_from_the_command_line(tmp_path, capsys) -> None:
    argv, out = _generate(
        tmp_path, "builtin-diffusion", "--init", str(_init(tmp_path)), "--outpaint", "16,16,16,16"
    )
    assert main(argv) == 0, capsys.readouterr().err
    assert load_pixels(out, mode="RGBA").shape == (96, 96, 4)  # 64 grown by 16 each side


def test_plain_image_to_image_still_needs_a_stable_diffusion_model(tmp_path, capsys) -> None:
    argv, out = _generate(tmp_path, "builtin-diffusion", "--init", str(_init(tmp_path)))
    line = _one_line(argv, capsys)
    assert "--init needs a Stable Diffusion model" in line and "--model" in line
    assert not out.exists()


def test_a_one_pass_model_refuses_a_mask_naming_who_can(tmp_path, capsys) -> None:
    init, mask = _init(tmp_path), _mask(tmp_path)
    argv, out = _generate(tmp_path, "builtin-vae", "--init", str(init), "--mask", str(mask))
    line = _one_line(argv, capsys)
    assert "--mask" in line and "builtin-diffusion" in line
    assert not out.exists()


def test_the_token_model_refuses_a_variation_in_cli_words(tmp_path, capsys) -> None:
    argv, out = _generate(tmp_path, "builtin-ar", "--variation-seed", "9")
    line = _one_line(argv, capsys)
    assert "--variation-seed" in line and "no starting noise" in line
    assert not out.exists()


def test_a_builtin_model_refuses_a_reference_naming_the_option(tmp_path, capsys) -> None:
    # Before, the reference was read and then ignored: the sprite came out without a word.
    argv, out = _generate(tmp_path, "builtin-vae", "--reference", str(_init(tmp_path)))
    line = _one_line(argv, capsys)
    assert "--reference needs a Stable Diffusion model" in line
    assert "cannot take a reference image" in line
    assert not out.exists()
