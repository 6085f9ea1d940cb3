"""Remove background: key detection, soft matte with pymatting, despill, edge bleed."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from studio.domain.errors import InvalidRequestError
from studio.imaging.matte import (
    bleed_edges,
    check_matte_input,
    detect_key_colour,
    has_own_alpha,
    lost_subject_share,
    matte_image,
    remove_background,
)
from studio.imaging.matte.solver_env import configure_numba_cache, quiet_solver

# What models paint when asked for "#00FF00" (GAME_ASSETS.md).
MODEL_GREEN = np.array([8.0, 162.0, 24.0])


def _sprite_on_key(size: int = 80) -> tuple[np.ndarray, np.ndarray]:
    """A two-colour disc with a soft 3-px edge composited on the key; and its true alpha."""
    yy, xx = np.mgrid[:size, :size]
    radius = np.hypot(yy - size / 2, xx - size / 2)
    alpha = np.clip((size / 3 - radius) / 3 + 0.5, 0.0, 1.0)
    colour = np.zeros((size, size, 3))
    colour[...] = (200, 60, 40)
    colour[yy < size / 2.5] = (240, 200, 60)
    rng = np.random.default_rng(0)
    background = MODEL_GREEN + rng.normal(0, 3, size=(size, size, 3))  # not perfectly flat
    image = colour * alpha[..., None] + background * (1 - alpha[..., None])
    return np.clip(np.rint(image), 0, 255).astype(np.uint8), alpha


def test_key_is_detected_from_the_border() -> None:
    image, _ = _sprite_on_key()
    key = np.array(detect_key_colour(image))
    assert np.abs(key - MODEL_GREEN).max() <= 3


def test_a_busy_border_is_one_clear_error() -> None:
    noise = np.random.default_rng(1).integers(0, 256, (40, 40, 3)).astype(np.uint8)
    with pytest.raises(InvalidRequestError, match="not one flat colour"):
        detect_key_colour(noise)


@pytest.mark.parametrize("method", ["cf", "knn"])
def test_matte_recovers_alpha_and_leaves_no_key_colour(method: str) -> None:
    image, alpha = _sprite_on_key()
    result, _ = remove_background(image, method=method)
    found = result[..., 3] / 255.0
    assert np.abs(found - alpha).mean() < 0.01
    edge = (alpha > 0.05) & (alpha < 0.95)
    assert np.abs(found - alpha)[edge].mean() < 0.2
    distance = np.linalg.norm(result[..., :3].astype(float) - MODEL_GREEN, axis=2)
    assert ((distance < 60) & (result[..., 3] > 0)).sum() == 0
    # Despill: no see-through pixel is greener than its red and blue allow.
    see_through = (result[..., 3] > 0) & (result[..., 3] < 255)
    rgb = result[..., :3].astype(int)
    assert (rgb[..., 1] <= np.maximum(rgb[..., 0], rgb[..., 2]))[see_through].all()


def test_transparent_pixels_take_the_colour_of_the_nearest_edge() -> None:
    image, _ = _sprite_on_key()
    result, _ = remove_background(image)
    hidden = result[..., 3] == 0
    assert hidden.any()
    # No black or key-green under alpha 0: every hidden colour is one the sprite shows.
    visible = {tuple(c) for c in result[~hidden, :3].tolist()}
    assert {tuple(c) for c in result[hidden, :3].tolist()} <= visible


def test_bleed_copies_from_the_nearest_visible_pixel() -> None:
    rgba = np.zeros((1, 5, 4), dtype=np.uint8)
    rgba[0, 0] = (10, 20, 30, 255)
    rgba[0, 4] = (200, 100, 0, 255)
    bled = bleed_edges(rgba)
    assert bled[0, 1, :3].tolist() == [10, 20, 30]
    assert bled[0, 3, :3].tolist() == [200, 100, 0]
    assert bled[0, :, 3].tolist() == [255, 0, 0, 0, 255]


# -- the input is respected --------------------------------------------------------------------


def _ring_on_key(size: int = 64) -> np.ndarray:
    """A red ring whose hole shows the (noisy) key: a hole, not a lost subject."""
    yy, xx = np.mgrid[:size, :size]
    radius = np.hypot(yy - size / 2, xx - size / 2)
    rng = np.random.default_rng(2)
    image = MODEL_GREEN + rng.normal(0, 3, size=(size, size, 3))
    image[(radius > 10) & (radius < 22)] = (200, 40, 60)
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def _green_slime(size: int = 64) -> np.ndarray:
    """A lighter-green slime with a dark outline and eyes, on the green key."""
    yy, xx = np.mgrid[:size, :size]
    radius = np.hypot(yy - size / 2, xx - size / 2)
    image = np.zeros((size, size, 3)) + MODEL_GREEN
    image[radius < 22] = (30, 176, 44)
    image[(radius >= 20) & (radius < 22)] = (10, 50, 12)
    image[26:30, 24:28] = image[26:30, 36:40] = (250, 250, 250)
    image += np.random.default_rng(3).normal(0, 2, image.shape)
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def test_a_hole_showing_the_background_is_not_a_lost_subject() -> None:
    result, _ = remove_background(_ring_on_key())
    assert result[32, 32, 3] == 0 and result[32, 48, 3] == 255


def test_a_subject_in_the_key_colour_is_refused_in_one_line_naming_the_colour() -> None:
    image = _green_slime()
    key = detect_key_colour(image)
    with pytest.raises(InvalidRequestError) as refused:
        matte_image(image, name="slime.png")
    message = str(refused.value)
    assert "slime.png" in message and "#{:02x}{:02x}{:02x}".format(*key) in message
    assert "\n" not in message and "background colour it does not use" in message


def test_the_lost_share_judges_the_matte_not_the_colours() -> None:
    image = _green_slime()
    key = detect_key_colour(image)
    outline_only = np.zeros(image.shape[:2])
    outline_only[np.linalg.norm(image - np.array([10, 50, 12]), axis=2) < 30] = 1.0
    assert lost_subject_share(image, outline_only, key) > 0.5
    assert lost_subject_share(image, np.zeros(image.shape[:2]), key) == 1.0
    sprite, alpha = _sprite_on_key()
    assert lost_subject_share(sprite, alpha, detect_key_colour(sprite)) < 0.05


def _cut_out_sprite() -> np.ndarray:
    """A dark sprite already cut out: black under alpha 0 (what a black key would eat)."""
    rgba = np.zeros((32, 32, 4), dtype=np.uint8)
    rgba[8:24, 8:24] = (30, 25, 35, 255)
    rgba[12:14, 10:22] = (240, 200, 60, 255)
    rgba[7, 8:24] = (30, 25, 35, 128)  # a soft top edge
    return rgba


def test_an_image_with_its_own_alpha_is_not_keyed_again() -> None:
    sprite = _cut_out_sprite()
    assert has_own_alpha(sprite) and not has_own_alpha(sprite[8:24, 8:24])
    matte = matte_image(sprite)
    assert matte.key is None and "own transparency" in matte.note
    assert np.array_equal(matte.pixels[..., 3], sprite[..., 3])
    visible = sprite[..., 3] > 0
    assert np.array_equal(matte.pixels[visible], sprite[visible])
    # The hidden pixels take the edge's colour (no black halo when filtered).
    assert (matte.pixels[0, 0, :3] > 0).any()
    assert "key given was not used" in matte_image(sprite, key=(0, 0, 0)).note
    pixels, key = remove_background(sprite)
    assert key is None and np.array_equal(pixels, matte.pixels)


@pytest.mark.parametrize(
    ("shape", "words"),
    [
        ((1, 1), "it is 1x1 pixels and needs at least 8x8"),
        ((1, 4000), "it is 4000x1 pixels and needs at least 8x8"),
        ((7, 200), "it is 200x7 pixels"),
        ((2001, 2000), "more than 4 megapixels"),
    ],
)
def test_sizes_are_checked_before_any_work(shape, words) -> None:
    with pytest.raises(InvalidRequestError, match=words):
        check_matte_input(*shape, name="sprite.png")
    if shape[0] * shape[1] < 10_000:
        with pytest.raises(InvalidRequestError, match=r"sprite\.png"):
            matte_image(np.zeros((*shape, 3), dtype=np.uint8), name="sprite.png")


# -- pymatting's compile and chatter -----------------------------------------------------------


def test_numba_caches_in_studios_cache_folder(tmp_path) -> None:
    environ = {"STUDIO_CACHE_DIR": str(tmp_path / "cache")}
    folder = configure_numba_cache(environ)
    assert folder == tmp_path / "cache" / "numba" and folder.is_dir()
    assert environ["NUMBA_CACHE_DIR"] == str(folder)
    assert configure_numba_cache({"NUMBA_CACHE_DIR": "/theirs"}) == Path("/theirs")
    assert configure_numba_cache({"NUMBA_CACHE_DIR": ""}) is None
    (tmp_path / "file").write_text("")
    assert configure_numba_cache({"STUDIO_CACHE_DIR": str(tmp_path / "file")}) is None


def test_numba_really_writes_its_cache_there(tmp_path) -> None:
    """A second process finds the compiled function in Studio's cache folder."""
    module = tmp_path / "jitted.py"
    module.write_text(
        "from numba import njit\n\n@njit(cache=True)\ndef twice(x):\n    return 2 * x\n"
    )
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from studio.imaging.matte.solver_env import configure_numba_cache\n"
        "configure_numba_cache()\n"
        "import jitted\n"
        "assert jitted.twice(21) == 42\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["STUDIO_CACHE_DIR"] = str(tmp_path / "cache")
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], env=env, check=True)
    assert list((tmp_path / "cache" / "numba").rglob("*.nbi"))


def test_solver_chatter_goes_to_the_log_not_the_terminal(capsys, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="studio.matte"), quiet_solver():
        print("PERFORMANCE WARNING:\n    shift = 1e-4")
        warnings.warn("Trimap values should be in [0, 1]", UserWarning, stacklevel=1)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    logged = caplog.text
    assert "PERFORMANCE WARNING: |     shift = 1e-4" in logged
    assert "UserWarning: Trimap values" in logged
