"""Tiles: weights that sum to one, alignment, no visible seam, bounded tile sizes."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

from studio.engine.style.fast import TilingOptions, count_steps, stylize_image
from studio.engine.style.tiling import plan_axis, plan_tiles
from studio.engine.style.weights import load_network

CPU = torch.device("cpu")


@pytest.mark.parametrize("length", [64, 260, 512, 1000, 4096])
def test_axis_weights_sum_to_one_and_start_aligned(length: int) -> None:
    windows = plan_axis(length, tile=256, overlap=128, margin=32)
    total = np.zeros(length)
    for window in windows:
        assert window.start % 4 == 0
        total[window.start : window.stop] += window.weights
    np.testing.assert_allclose(total, 1.0, atol=1e-6)
    assert windows[0].start == 0 and windows[-1].stop == length


def test_no_window_uses_its_inner_margin() -> None:
    windows = plan_axis(1000, tile=256, overlap=128, margin=32)
    for i, window in enumerate(windows):
        if i > 0:
            assert not window.weights[:32].any()
        if i < len(windows) - 1:
            assert not window.weights[-32:].any()


def test_tile_weights_form_a_partition_of_unity() -> None:
    total = np.zeros((300, 520), dtype=np.float64)
    for tile in plan_tiles(300, 520, tile=128, overlap=64, margin=16):
        total[tile.top : tile.bottom, tile.left : tile.right] += tile.weights
    np.testing.assert_allclose(total, 1.0, atol=1e-6)


@pytest.fixture(scope="module")
def network_and_style():
    network = load_network("multistyle", CPU)
    weights = torch.zeros(26)
    weights[17] = 1.0  # a hard-edged geometric style: seams would show as broken lines
    with torch.inference_mode():
        return network, network.condition(weights)


def test_tiled_result_matches_untiled_with_no_seam(network_and_style, astronaut_rgb) -> None:
    from PIL import Image
    from skimage import data

    network, affine = network_and_style
    # 352x480 fits whole; forced into 2x3 tiles with the whole image's statistics, and the
    # default overlap and margin (which clear the networks' receptive field).
    image = np.asarray(Image.fromarray(data.astronaut()).resize((480, 352))).astype(np.float32)
    image /= 255.0
    whole = stylize_image(network, affine, image, CPU, threading.Event())
    options = TilingOptions(max_whole_pixels=1, stats_pixels=10**8, tile=320)
    steps: list[tuple[int, int]] = []
    tiled = stylize_image(
        network, affine, image, CPU, threading.Event(), lambda d, t: steps.append((d, t)), options
    )
    assert len(steps) == count_steps(352, 480, options) > 4  # really tiled
    difference = np.abs(tiled - whole) * 255
    assert difference.max() < 1.0  # not one 8-bit level anywhere, seams included
    # Seam check proper: no extra edge energy along the cuts compared with the whole image.
    assert np.abs(np.diff(tiled, axis=1) - np.diff(whole, axis=1)).max() * 255 < 1.0


def test_large_images_never_reach_the_network_whole(network_and_style) -> None:
    network, affine = network_and_style
    seen: list[tuple[int, ...]] = []
    handle = network.register_forward_pre_hook(lambda m, args: seen.append(tuple(args[0].shape)))
    try:
        image = np.random.default_rng(0).random((600, 700, 3), dtype=np.float32)
        options = TilingOptions(max_whole_pixels=200_000, tile=320)
        out = stylize_image(network, affine, image, CPU, threading.Event(), options=options)
    finally:
        handle.remove()
    assert out.shape == image.shape and np.isfinite(out).all()
    statistics_pass, *tiles = seen
    # The statistics pass sees full-resolution patches within budget, never the whole image.
    assert statistics_pass[0] > 1 and np.prod(statistics_pass) <= 3 * 200_000
    assert len(tiles) == len(plan_tiles(600, 700, 320, 192, 64))
    assert all(shape[2] <= 320 and shape[3] <= 320 for shape in tiles)


def test_cancel_stops_between_tiles(network_and_style) -> None:
    from studio.domain.errors import JobCancelled

    network, affine = network_and_style
    cancel = threading.Event()
    done: list[int] = []

    def on_step(step: int, total: int) -> None:
        done.append(step)
        if step == 2:
            cancel.set()

    image = np.zeros((400, 400, 3), dtype=np.float32)
    options = TilingOptions(max_whole_pixels=10_000, tile=256)
    with pytest.raises(JobCancelled):
        stylize_image(network, affine, image, CPU, cancel, on_step, options)
    assert done == [1, 2]  # statistics, one tile, then nothing
