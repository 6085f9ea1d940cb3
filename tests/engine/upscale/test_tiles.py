"""Tiled upscaling: equal to an untiled run, seamless across wrapped edges, cancel between tiles."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from studio.domain.errors import JobCancelled
from studio.engine.upscale.tiles import plan_tiles, upscale_tiled

torch = pytest.importorskip("torch")
REACH = 20  # source pixels the tiny model's output depends on around each pixel (19, and one)


@pytest.fixture(scope="module")
def infer(esrgan_pth: Path):
    from studio.engine.upscale.load import load_upscaler
    from studio.engine.upscale.model_run import patch_runner

    return patch_runner(load_upscaler(esrgan_pth), torch.device("cpu"))


def _image(height: int, width: int, channels: int = 3, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (height, width, channels), dtype=np.uint8)


def _upscale(image: np.ndarray, infer, tile: int, **options) -> np.ndarray:
    out = np.zeros((image.shape[0] * 4, image.shape[1] * 4, image.shape[2]), dtype=np.uint8)
    upscale_tiled(image, infer, 4, out, tile=tile, **options)
    return out


def test_tiles_cover_the_image_once() -> None:
    boxes = plan_tiles(40, 33, 16)
    covered = np.zeros((40, 33), dtype=int)
    for y0, y1, x0, x1 in boxes:
        covered[y0:y1, x0:x1] += 1
    assert len(boxes) == 9 and (covered == 1).all()


def test_tiled_equals_untiled(infer) -> None:
    image = _image(40, 36)
    whole = _upscale(image, infer, tile=1000)
    tiled = _upscale(image, infer, tile=20, overlap=REACH)
    # Float rounding only: the overlap is as wide as the tiny model's reach.
    assert np.abs(whole.astype(int) - tiled).max() <= 1


def test_seamless_result_is_the_centre_of_the_upscaled_3x3_tiling(infer) -> None:
    image = _image(16, 12, seed=2)
    result = _upscale(image, infer, tile=8, overlap=REACH, wrap_x=True, wrap_y=True)
    tiling = _upscale(np.tile(image, (3, 3, 1)), infer, tile=1000)
    centre = tiling[16 * 4 : 32 * 4, 12 * 4 : 24 * 4]
    assert np.abs(centre.astype(int) - result).max() <= 1
    # Without the wrap the edges are the model's zero-padded ones, not the tiling's.
    plain = _upscale(image, infer, tile=8, overlap=REACH)
    assert np.abs(centre.astype(int) - plain).max() > 1


def test_one_axis_wraps_only_that_axis(infer) -> None:
    image = _image(12, 16, seed=3)
    result = _upscale(image, infer, tile=1000, overlap=REACH, wrap_x=True)
    row = _upscale(np.tile(image, (1, 3, 1)), infer, tile=1000)[:, 64:128]
    assert np.abs(row.astype(int) - result).max() <= 1


def test_cancel_stops_between_tiles(infer) -> None:
    cancel = threading.Event()
    calls: list[int] = []

    def counted(patch: np.ndarray) -> np.ndarray:
        calls.append(1)
        return infer(patch)

    def on_tile(done: int, total: int) -> None:
        assert total == 4
        cancel.set()  # the user presses Cancel while the first tile is written

    with pytest.raises(JobCancelled):
        _upscale(_image(32, 32), counted, tile=16, cancel=cancel, on_tile=on_tile)
    assert len(calls) == 1


def test_progress_counts_every_tile(infer) -> None:
    seen: list[tuple[int, int]] = []
    _upscale(_image(20, 36), infer, tile=16, overlap=1, on_tile=lambda *told: seen.append(told))
    assert seen == [(1, 6), (2, 6), (3, 6), (4, 6), (5, 6), (6, 6)]


def test_the_cpu_tile_keeps_a_4x_patch_within_the_budget() -> None:
    from studio.engine.upscale.model_run import CPU_BUDGET, MAX_TILE, MIN_TILE, tile_side

    side = tile_side(torch.device("cpu"), 4)
    patch = (side + 2 * 32) ** 2
    assert MIN_TILE <= side <= MAX_TILE and side % 8 == 0
    assert patch * 4 * (64 * 16 + 128) <= CPU_BUDGET  # the estimate the side was chosen by
    assert tile_side(torch.device("cpu"), 1) > side  # a 1x model affords larger tiles
