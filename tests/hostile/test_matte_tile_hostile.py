"""``studio matte`` and ``studio tile`` on hostile input (issue 18, RELIABILITY 21-24).

Each case is one line on stderr with exit 1 (never the boundary's "bug in Studio" exit 70),
names the file or option and the valid range, and leaves no output file behind; an existing
output is replaced only with ``--overwrite``; Remove Background respects what its input already
says (its alpha, a subject that shares the key colour); ``tile`` never ships a worse seam than
its plain blend. Every case runs under a timeout, so a hang fails instead of stalling CI.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import ndimage

from studio.cli import main
from studio.imaging.decode import load_pixels
from studio.imaging.png import encode_png
from studio.imaging.seams import seam_scores

pytestmark = pytest.mark.timeout(60)

KEY = (8, 162, 24)  # what models paint when asked for "#00FF00"


def _texture(height: int = 64, width: int = 64, seed: int = 0) -> np.ndarray:
    """A smooth random texture whose wrap edges do not match (a seam to repair)."""
    noise = np.random.default_rng(seed).normal(size=(height, width, 3))
    smooth = ndimage.gaussian_filter(noise, (4, 4, 0), mode="nearest")
    ramp = np.linspace(0, 80, width)[None, :, None]  # left and right edges differ
    image = 128 + smooth / smooth.std() * 40 + ramp - 40
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def _write(path: Path, pixels: np.ndarray) -> Path:
    path.write_bytes(encode_png(pixels))
    return path


def _one_line(capsys, argv: list[str], *words: str) -> str:
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "bug in Studio" not in err and "Traceback" not in err, err
    for word in words:
        assert word in err, err
    return err


# -- sizes and options, checked before any work -----------------------------------------------


@pytest.mark.parametrize("command", ["matte", "tile"])
@pytest.mark.parametrize("size", [(1, 1), (1, 4000), (4000, 1), (2, 2), (7, 64)])
def test_a_tiny_or_thin_image_is_one_line(tmp_path, capsys, command, size) -> None:
    source = _write(tmp_path / "thin.png", np.full((*size, 3), KEY, dtype=np.uint8))
    out = tmp_path / "out.png"
    _one_line(capsys, [command, str(source), "-o", str(out)], "thin.png", "at least 8x8")
    assert not out.exists()


@pytest.mark.parametrize("band", ["1000000000", "33", "1", "-3"])
def test_a_band_out_of_range_is_one_line(tmp_path, capsys, band) -> None:
    source = _write(tmp_path / "wall.png", _texture())
    out = tmp_path / "out.png"
    argv = ["tile", str(source), "-o", str(out), "--band", band]
    _one_line(capsys, argv, "--band", "2 to 32", "wall.png")
    assert not out.exists()


def test_a_band_is_checked_against_the_repaired_axis_only(tmp_path) -> None:
    source = _write(tmp_path / "strip.png", _texture(16, 96))
    out = tmp_path / "out.png"
    assert main(["tile", str(source), "-o", str(out), "--axes", "x", "--band", "40"]) == 0


def test_a_small_image_gets_a_band_that_fits(tmp_path) -> None:
    # The automatic band (at least 8) must not outgrow a 10-pixel image.
    source = _write(tmp_path / "small.png", _texture(10, 10))
    assert main(["tile", str(source), "-o", str(tmp_path / "out.png")]) == 0


@pytest.mark.parametrize(
    ("size", "extra", "words"),
    [
        ((64, 64), ["--seed", "-1"], "Seed -1 is out of range"),
        ((8, 64), [], "Image height 8 is out of range"),
    ],
)
def test_model_options_are_checked_before_the_model_loads(
    tmp_path, capsys, monkeypatch, size, extra, words
) -> None:
    def no_engine(*_args):
        raise AssertionError("the engine was opened before the options were checked")

    monkeypatch.setattr("studio.cli.tile.open_engine", no_engine)
    source = _write(tmp_path / "wall.png", _texture(*size))
    out = tmp_path / "out.png"
    argv = ["tile", str(source), "-o", str(out), "--model", "builtin-diffusion", *extra]
    _one_line(capsys, argv, "wall.png with --model", words)
    assert not out.exists()


# -- existing outputs --------------------------------------------------------------------------


def _sprite_on_key() -> np.ndarray:
    image = np.zeros((40, 40, 3), dtype=np.uint8)
    image[...] = KEY
    image[10:30, 12:28] = (200, 40, 60)
    return image


@pytest.mark.parametrize("command", ["matte", "tile"])
def test_an_existing_output_is_kept_without_overwrite(tmp_path, capsys, command) -> None:
    source = _write(tmp_path / "in.png", _sprite_on_key())
    out = tmp_path / "precious.png"
    out.write_bytes(b"keep me")
    _one_line(capsys, [command, str(source), "-o", str(out)], "precious.png", "--overwrite")
    assert out.read_bytes() == b"keep me"
    assert main([command, str(source), "-o", str(out), "--overwrite"]) == 0
    assert load_pixels(out).shape == (40, 40, 4)


@pytest.mark.parametrize("command", ["matte", "tile"])
def test_a_missing_input_writes_nothing(tmp_path, capsys, command) -> None:
    out = tmp_path / "out.png"
    _one_line(capsys, [command, str(tmp_path / "nope.png"), "-o", str(out)], "nope.png")
    assert not out.exists()


# -- Remove Background respects its input ------------------------------------------------------


def _transparent_sprite(hidden: tuple[int, int, int]) -> np.ndarray:
    """A dark knight with a soft edge on a transparent canvas whose hidden RGB is ``hidden``."""
    yy, xx = np.mgrid[:48, :48]
    alpha = np.clip((16 - np.hypot(yy - 24, xx - 24)) / 2 + 0.5, 0.0, 1.0)
    rgba = np.zeros((48, 48, 4), dtype=np.uint8)
    rgba[..., :3] = hidden
    body = alpha > 0
    rgba[body, :3] = (24, 20, 30)  # near black: what a black key would eat
    rgba[18:22, 20:28, :3] = (240, 200, 60)
    rgba[..., 3] = np.rint(alpha * 255).astype(np.uint8)
    return rgba


@pytest.mark.parametrize("hidden", [(0, 0, 0), (255, 255, 255), KEY])
def test_a_transparent_sprite_keeps_its_own_alpha(tmp_path, capsys, hidden) -> None:
    sprite = _transparent_sprite(hidden)
    source = _write(tmp_path / "knight.png", sprite)
    out = tmp_path / "cut.png"
    assert main(["matte", str(source), "-o", str(out)]) == 0
    assert "own transparency" in capsys.readouterr().out
    result = load_pixels(out)
    assert np.array_equal(result[..., 3], sprite[..., 3])
    visible = sprite[..., 3] > 0
    assert np.array_equal(result[visible, :3], sprite[visible, :3])


def _green_blob(outline: bool) -> np.ndarray:
    """A green slime on the green key: a lighter green, with or without a dark outline."""
    yy, xx = np.mgrid[:80, :80]
    radius = np.hypot(yy - 40, xx - 40)
    image = np.zeros((80, 80, 3))
    image[...] = KEY
    image[radius < 26] = (34, 178, 44)  # ~33 from the key: inside its tolerance
    if outline:
        image[(radius >= 24) & (radius < 26)] = (12, 50, 14)
        image[34:38, 30:34] = image[34:38, 46:50] = (250, 250, 250)  # eyes
    image += np.random.default_rng(0).normal(0, 2, image.shape)
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("outline", [True, False])
def test_a_green_subject_on_a_green_key_is_one_line(tmp_path, capsys, outline) -> None:
    source = _write(tmp_path / "slime.png", _green_blob(outline))
    out = tmp_path / "cut.png"
    _one_line(
        capsys, ["matte", str(source), "-o", str(out)], "slime.png", "#08a218", "background colour"
    )
    assert not out.exists()


def test_an_image_that_is_all_key_is_one_line(tmp_path, capsys) -> None:
    source = _write(tmp_path / "flat.png", np.full((32, 32, 3), KEY, dtype=np.uint8))
    out = tmp_path / "cut.png"
    _one_line(capsys, ["matte", str(source), "-o", str(out)], "flat.png", "nothing")
    assert not out.exists()


# -- tile never ships a worse seam -------------------------------------------------------------


class _SeamBreakingEngine:
    """A scripted engine whose inpaint paints the cross half black, half white.

    Its result, rolled back, puts black against white across the wrap edge: a seam far worse
    than the plain blend's. ``studio tile`` must notice and keep the blend.
    """

    def __init__(self) -> None:
        self.closed = False
        self.jobs = 0

    def resolve_model(self, name: str) -> SimpleNamespace:
        return SimpleNamespace(id=name)

    def run(self, job, _progress, _cancel):
        self.jobs += 1
        pixels = load_pixels(job.init_image, mode="RGB").copy()
        width = pixels.shape[1]
        pixels[:, : width // 2] = 0
        pixels[:, width // 2 :] = 255
        return [SimpleNamespace(pixels=pixels)]

    def close(self) -> None:
        self.closed = True


def test_a_model_that_worsens_the_seam_is_not_shipped(tmp_path, capsys, monkeypatch) -> None:
    engine = _SeamBreakingEngine()
    monkeypatch.setattr("studio.cli.tile.open_engine", lambda _command, _device: engine)
    source = _write(tmp_path / "wall.png", _texture())
    plain, repaired = tmp_path / "plain.png", tmp_path / "repaired.png"
    assert main(["tile", str(source), "-o", str(plain)]) == 0
    capsys.readouterr()
    argv = ["tile", str(source), "-o", str(repaired), "--model", "builtin-diffusion"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert engine.jobs == 1 and engine.closed
    assert "worse" in out and "kept the plain" in out, out
    assert np.array_equal(load_pixels(repaired), load_pixels(plain))
    before, after = seam_scores(_texture()), seam_scores(load_pixels(repaired, mode="RGB"))
    assert after["x"] < before["x"] / 2 and after["y"] < before["y"] / 2
