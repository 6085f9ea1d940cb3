"""Texture synthesis: opaque, seamless, seeded, obeying colour and style words."""

from __future__ import annotations

import numpy as np
import pytest

from studio.domain.texture_prompt import MATERIALS
from studio.engine.builtin.texture import synthesise
from studio.engine.builtin.texture_looks import LOOKS, read_texture_prompt
from studio.engine.builtin.texture_noise import NoiseSource, periodic_cells, periodic_noise

PROMPTS = [f"{material} texture" for material in MATERIALS] + [
    "grass ground texture",
    "stone floor",
    "red brick wall, pixel art",
    "wood planks, flat",
]


def _tile(prompt: str, seed: int = 3, size: int = 32) -> np.ndarray:
    return synthesise(read_texture_prompt(prompt), size, NoiseSource(seed))


def seam_and_interior(tile: np.ndarray, axis: int) -> tuple[float, np.ndarray]:
    """Mean colour step across the wrap-around edge, and across each interior line."""
    rgb = np.moveaxis(tile[..., :3].astype(float), axis, 0)
    steps = np.abs(np.diff(rgb, axis=0)).mean(axis=(1, 2))
    return float(np.abs(rgb[0] - rgb[-1]).mean()), steps


def test_every_material_has_a_look() -> None:
    assert set(LOOKS) == set(MATERIALS)


@pytest.mark.parametrize("prompt", PROMPTS)
def test_a_texture_is_opaque_everywhere(prompt: str) -> None:
    tile = _tile(prompt)
    assert tile.shape == (32, 32, 4) and tile.dtype == np.uint8
    assert (tile[..., 3] == 255).all()


SEEDS = range(16)


def seam_ratio(tiles: list[np.ndarray], axis: int) -> float:
    """Mean step across the wrap-around edge over mean step across an interior line."""
    pairs = [seam_and_interior(tile, axis) for tile in tiles]
    seam = float(np.mean([seam for seam, _ in pairs]))
    return seam / max(float(np.mean([interior.mean() for _, interior in pairs])), 1e-9)


@pytest.mark.parametrize("prompt", PROMPTS)
@pytest.mark.parametrize("axis", [0, 1], ids=["top-bottom", "left-right"])
def test_a_texture_wraps_without_a_seam(prompt: str, axis: int) -> None:
    # the edge where the tile meets its copy is like any line inside it (over many seeds:
    # one seed's edge may fall on a joint, as may any of its lines)
    assert seam_ratio([_tile(prompt, seed) for seed in SEEDS], axis) < 1.5


@pytest.mark.parametrize("prompt", ["grass ground texture", "stone floor", "water", "lava"])
def test_the_seam_measure_sees_the_seam_of_a_cut_texture(prompt: str) -> None:
    # the same textures cut short (no longer periodic) show their seam to the same measure
    cut = [_tile(prompt, seed, size=48)[:32, :32] for seed in SEEDS]
    assert max(seam_ratio(cut, 0), seam_ratio(cut, 1)) > 1.5


def test_the_fields_are_periodic_by_construction() -> None:
    field = periodic_noise(NoiseSource(5), 32, 0.2)
    # the field continues across the edge: doubling it and shifting by half shows no edge
    rolled = np.roll(field, (16, 16), axis=(0, 1))
    assert abs(np.abs(np.diff(rolled, axis=1)).max() - np.abs(np.diff(field, axis=1)).max()) < 0.2
    cells = periodic_cells(NoiseSource(5), 32, 9)
    # a cell cut by the right edge goes on at the left: the border pixels share cells
    assert (cells.index[:, 0] == cells.index[:, -1]).mean() > 0.5


def test_seeds_differ_and_a_seed_repeats() -> None:
    for prompt in ("grass ground texture", "stone floor", "brick wall", "water"):
        assert np.array_equal(_tile(prompt, 7), _tile(prompt, 7))
        assert not np.array_equal(_tile(prompt, 7), _tile(prompt, 8))


def test_a_variation_seed_bends_the_texture_a_little() -> None:
    spec = read_texture_prompt("water")
    base = synthesise(spec, 32, NoiseSource(4))
    near = synthesise(spec, 32, NoiseSource(4, 9, 0.2))
    far = synthesise(spec, 32, NoiseSource(9))
    assert not np.array_equal(base, near)
    distance = lambda a, b: np.abs(a.astype(int) - b.astype(int)).mean()  # noqa: E731
    assert distance(base, near) < distance(base, far)


def _mean_rgb(tile: np.ndarray) -> np.ndarray:
    return tile[..., :3].reshape(-1, 3).astype(float).mean(axis=0)


@pytest.mark.parametrize(
    ("prompt", "channel"),
    [("red brick wall", 0), ("green stone floor", 1), ("blue brick wall", 2), ("blue sand", 2)],
)
def test_the_colour_word_is_obeyed(prompt: str, channel: int) -> None:
    r_g_b = _mean_rgb(_tile(prompt))
    others = [c for c in range(3) if c != channel]
    assert r_g_b[channel] > 1.3 * max(r_g_b[others])


def test_a_material_keeps_its_own_colours_without_a_colour_word() -> None:
    grass, water, lava = (_mean_rgb(_tile(p)) for p in ("grass texture", "water", "lava floor"))
    assert grass.argmax() == 1 and water.argmax() == 2 and lava.argmax() == 0


def test_dark_and_light_shift_the_ramp() -> None:
    plain, dark = _mean_rgb(_tile("stone floor")), _mean_rgb(_tile("dark stone floor"))
    assert dark.sum() < 0.85 * plain.sum()


def test_pixel_art_uses_a_few_hard_colours() -> None:
    smooth = _tile("grass ground texture")
    pixel = _tile("grass ground texture, pixel art")
    colours = len(np.unique(pixel[..., :3].reshape(-1, 3), axis=0))
    assert colours <= len(LOOKS["grass"].ramp) + 1
    assert colours < len(np.unique(smooth[..., :3].reshape(-1, 3), axis=0)) // 4
    assert read_texture_prompt("stone floor, flat").style == "flat"
