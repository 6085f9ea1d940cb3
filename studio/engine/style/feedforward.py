"""The fast method: presets through the multi-style network, style images through the
arbitrary-style pair, blended by weight.

Styles of one kind blend inside their network, where blending is meaningful: preset weights mix
the conditional-norm parameters, style images are averaged as style vectors (Magenta's own
interpolation). When a request mixes presets and images, both networks run and their outputs are
mixed in pixel space by the total weight of each kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import cast

import numpy as np
import torch

from studio.engine.residency import Residency
from studio.engine.style.arbitrary import STYLE_VECTOR_SIZE, StyleTransformer
from studio.engine.style.fast import TilingOptions, count_steps, stylize_image
from studio.engine.style.multistyle import MultiStyleNetwork
from studio.engine.style.progress import JobProgress
from studio.engine.style.weights import load_network
from studio.engine.thread_policy import job_threads

NUM_PRESETS = 26


@dataclass(frozen=True, eq=False)
class StyleMix:
    """The styles of one request with weights normalised over all of them.

    Parameters
    ----------
    presets
        ``(index, weight)`` pairs.
    images
        ``(style image (256, 256, 3) float in [0, 1], weight)`` pairs.
    """

    presets: tuple[tuple[int, float], ...] = ()
    images: tuple[tuple[np.ndarray, float], ...] = field(default=())

    @property
    def preset_share(self) -> float:
        return float(sum(w for _, w in self.presets))

    @property
    def image_share(self) -> float:
        return float(sum(w for _, w in self.images))


def feedforward_steps(width: int, height: int, mix: StyleMix, options: TilingOptions) -> int:
    """Progress steps :func:`stylize_feedforward` reports at this work size."""
    per_network = count_steps(height, width, options)
    steps = 0
    if mix.presets:
        steps += per_network
    if mix.images:
        steps += 1 + per_network  # encoding the style images, then the network
    return steps


def preset_weight_vector(mix: StyleMix, device: torch.device) -> torch.Tensor:
    """The 26 style weights of the multi-style network, summing to one."""
    weights = torch.zeros(NUM_PRESETS)
    for index, weight in mix.presets:
        weights[index] += weight
    return (weights / weights.sum()).to(device)


def blended_style_vector(
    mix: StyleMix,
    device: torch.device,
    cache_dir: Path | None,
    progress: JobProgress,
    networks: Residency | None = None,
) -> torch.Tensor:
    """Weighted mean of the style images' 100-number style vectors, ``(1, 100)``."""
    predictor = load_network("predictor", device, cache_dir, networks=networks)
    batch = np.stack([image for image, _ in mix.images])
    weights = torch.tensor([w for _, w in mix.images], dtype=torch.float32, device=device)
    with torch.inference_mode(), job_threads(device):
        pixels = torch.from_numpy(batch).permute(0, 3, 1, 2).to(device)
        vectors = predictor(pixels)
    progress.step()
    blended = (weights[:, None] * vectors).sum(0, keepdim=True) / weights.sum()
    return blended.reshape(1, STYLE_VECTOR_SIZE)


def stylize_feedforward(
    image: np.ndarray,
    mix: StyleMix,
    device: torch.device,
    progress: JobProgress,
    options: TilingOptions | None = None,
    cache_dir: Path | None = None,
    *,
    networks: Residency | None = None,
) -> np.ndarray:
    """Stylise an ``(H, W, 3)`` float image in ``[0, 1]`` with a mix of presets and images.

    ``networks`` is the residency cache that keeps the networks loaded (default: the style
    package's own).
    """
    options = options or TilingOptions()
    on_step = _step_reporter(progress)
    results: list[tuple[np.ndarray, float]] = []
    load = partial(load_network, device=device, cache_dir=cache_dir, networks=networks)
    if mix.presets:
        multistyle = cast(MultiStyleNetwork, load("multistyle"))
        with torch.inference_mode():
            affine = multistyle.condition(preset_weight_vector(mix, device))
        styled = stylize_image(multistyle, affine, image, device, progress.cancel, on_step, options)
        results.append((styled, mix.preset_share))
    if mix.images:
        vector = blended_style_vector(mix, device, cache_dir, progress, networks)
        arbitrary = cast(StyleTransformer, load("transformer"))
        with torch.inference_mode():
            affine = arbitrary.condition(vector)
        styled = stylize_image(arbitrary, affine, image, device, progress.cancel, on_step, options)
        results.append((styled, mix.image_share))
    if len(results) == 1:
        return results[0][0]
    total = sum(share for _, share in results)
    return sum((out * (share / total) for out, share in results), np.zeros_like(results[0][0]))


def _step_reporter(progress: JobProgress):
    def report(done: int, total: int) -> None:
        progress.step()

    return report
