"""Run a feed-forward style network over an image of any size, whole or in tiles.

Instance norm normalises each channel with its mean and variance over the *whole* image, so a
tile processed on its own would be normalised with its own statistics and come out brighter or
darker than its neighbours (a visible checkerboard). The tiled path therefore measures every norm
layer's statistics once for the whole picture and reuses them in each tile: all tiles then apply
the same per-channel affine map and agree wherever their receptive fields see the same pixels.

The statistics are measured on a grid of full-resolution patches spread evenly over the picture,
run as one batch whose norm layers pool over all patches. A downscaled copy would be the obvious
sample, but these networks respond to scale: on test collages, statistics from a copy at a
quarter of the pixels moved the output twice as far from the exact whole-image result as
full-resolution patches with the same pixel count (mean error 15 vs 7 levels of 255). Images
small enough to run whole skip all this and get the exact network.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from studio.domain.errors import JobCancelled
from studio.engine.style.layers import NormPass, NormStats
from studio.engine.style.tiling import plan_tiles
from studio.engine.thread_policy import job_threads

ALIGN = 4  # both networks downsample twice by 2
# How far a pixel's output reaches back into the input, for both networks: 9x9 conv (4), two
# stride-2 3x3 convs (1 + 2), ten/twelve 3x3 convs at quarter resolution (4 each: 48 at most),
# two 3x3 convs after upsampling (2 + 1), the final 9x9 (4): 62 pixels. Tile borders use reflect
# padding instead of real neighbours, so a tile's outer 62 pixels differ from the whole-image
# result (measured: up to 200 levels of 255 at 32 px in, 0.007 at 64 px in).
RECEPTIVE_RADIUS = 62
MIN_STATS_PATCH = 2 * RECEPTIVE_RADIUS + 4  # mostly interior pixels, not padding


@dataclass(frozen=True)
class TilingOptions:
    """When and how to tile.

    Parameters
    ----------
    max_whole_pixels
        Images up to this many pixels run whole (exact statistics); larger ones are tiled.
    stats_pixels
        Pixels of full-resolution patches a tiled image's norm statistics are measured on;
        ``None`` uses ``max_whole_pixels``. An image no larger than this is measured whole.
    stats_patch
        Side of those patches; large enough that their borders are a small share of them.
    tile
        Tile side including overlaps (a multiple of 4).
    overlap
        Least overlap between neighbouring tiles.
    margin
        Pixels at a tile's inner edges that never reach the output; at least
        :data:`RECEPTIVE_RADIUS` makes tiles agree with the whole-image result.
    """

    max_whole_pixels: int = 1536 * 1536
    stats_pixels: int | None = None
    stats_patch: int = 384
    tile: int = 1024
    overlap: int = 192
    margin: int = 64


Network = nn.Module  # forward(image, affine, norm) -> image; see multistyle / arbitrary
Affine = list[tuple[Tensor, Tensor]]
StepCallback = Callable[[int, int], None]


def count_steps(height: int, width: int, options: TilingOptions) -> int:
    """Progress steps :func:`stylize_image` reports for an image of this size."""
    padded_h, padded_w = _padded(height), _padded(width)
    if padded_h * padded_w <= options.max_whole_pixels:
        return 1
    return 1 + len(plan_tiles(padded_h, padded_w, options.tile, options.overlap, options.margin))


def _padded(length: int) -> int:
    return -(-length // ALIGN) * ALIGN


def _to_batch(image: np.ndarray, device: torch.device) -> Tensor:
    tensor = torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1).unsqueeze(0)
    tensor = tensor.to(device)
    # channels_last lets oneDNN run the convolutions without reordering each activation.
    return tensor.contiguous(memory_format=torch.channels_last) if device.type == "cpu" else tensor


def _run(network: Network, image: np.ndarray, affine: Affine, norm: NormPass, device) -> np.ndarray:
    with torch.inference_mode():
        out = network(_to_batch(image, device), affine, norm)
        return out[0].permute(1, 2, 0).float().cpu().numpy()


def _sample_patches(image: np.ndarray, budget: int, patch: int) -> np.ndarray:
    """About ``budget`` pixels of ``image`` as an ``(N, side, side, 3)`` grid of crops.

    At least a 2x2 grid, so no single region of the picture decides its statistics.
    """
    height, width = image.shape[:2]
    side = max(MIN_STATS_PATCH, min(patch, int((budget / 4) ** 0.5) // ALIGN * ALIGN))
    count = max(1, budget // (side * side))
    cell = (height * width / count) ** 0.5
    rows, cols = max(1, round(height / cell)), max(1, round(width / cell))
    side = min(side, height // rows // ALIGN * ALIGN, width // cols // ALIGN * ALIGN)
    tops = [int((i + 0.5) * height / rows - side / 2) for i in range(rows)]
    lefts = [int((j + 0.5) * width / cols - side / 2) for j in range(cols)]
    return np.stack([image[t : t + side, s : s + side] for t in tops for s in lefts])


def _statistics(
    network: Network, image: np.ndarray, affine: Affine, options: TilingOptions, device
) -> NormStats:
    """Norm statistics of the whole picture, measured on at most ``stats_pixels`` of it."""
    height, width = image.shape[:2]
    budget = options.stats_pixels or options.max_whole_pixels
    if height * width <= budget:
        sample = image[None]
    else:
        sample = _sample_patches(image, budget, options.stats_patch)
    with torch.inference_mode():
        batch = torch.from_numpy(np.ascontiguousarray(sample)).permute(0, 3, 1, 2).to(device)
        if device.type == "cpu":
            batch = batch.contiguous(memory_format=torch.channels_last)
        norm = NormPass()
        network(batch, affine, norm)
    return norm.recorded


def stylize_image(
    network: Network,
    affine: Affine,
    image: np.ndarray,
    device: torch.device,
    cancel: threading.Event,
    on_step: StepCallback | None = None,
    options: TilingOptions | None = None,
) -> np.ndarray:
    """Stylise an ``(H, W, 3)`` float32 image in ``[0, 1]``; same shape out.

    Parameters
    ----------
    network, affine
        A style network and its conditioning for the chosen style(s).
    cancel
        Checked before each tile; setting it raises :class:`JobCancelled`.
    on_step
        Called with ``(done, total)`` after the statistics pass and after each tile.
    options
        Tiling thresholds; the defaults keep peak memory near 1 GB.
    """
    options = options or TilingOptions()
    with job_threads(device):
        return _stylize(network, affine, image, device, cancel, on_step, options)


def _stylize(
    network: Network,
    affine: Affine,
    image: np.ndarray,
    device: torch.device,
    cancel: threading.Event,
    on_step: StepCallback | None,
    options: TilingOptions,
) -> np.ndarray:
    height, width = image.shape[:2]
    pad_h, pad_w = _padded(height) - height, _padded(width) - width
    padded = np.pad(image, ((0, pad_h), (0, pad_w), (0, 0)), mode="reflect")
    total = count_steps(height, width, options)
    report = on_step or (lambda done, total: None)
    if cancel.is_set():
        raise JobCancelled()
    if total == 1:
        out = _run(network, padded, affine, NormPass(), device)
        report(1, 1)
        return out[:height, :width]
    out = _stylize_tiled(network, affine, padded, device, cancel, report, options, total)
    return out[:height, :width]


def _stylize_tiled(
    network: Network,
    affine: Affine,
    image: np.ndarray,
    device: torch.device,
    cancel: threading.Event,
    report: StepCallback,
    options: TilingOptions,
    total: int,
) -> np.ndarray:
    stats = _statistics(network, image, affine, options, device)
    report(1, total)
    height, width = image.shape[:2]
    result = np.zeros_like(image)
    tiles = plan_tiles(height, width, options.tile, options.overlap, options.margin)
    for done, tile in enumerate(tiles, start=2):
        if cancel.is_set():
            raise JobCancelled()
        crop = image[tile.top : tile.bottom, tile.left : tile.right]
        styled = _run(network, crop, affine, NormPass(frozen=stats), device)
        result[tile.top : tile.bottom, tile.left : tile.right] += styled * tile.weights[..., None]
        report(done, total)
    return result
