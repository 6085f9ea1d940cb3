"""The iterative method: Gatys et al.'s optimisation of the pixels themselves.

The image starts as the source (plus seeded noise when a seed is given) and L-BFGS moves it to
match the content features of the source and the Gram matrices (feature correlations, i.e.
texture statistics) of the style images, as a frozen loss network sees them. Slow but
faithful to any style; every iteration is one progress step and a cancel point.

Several styles blend through their Gram matrices: minimising ``sum_i w_i |G - A_i|^2`` has the
same optimum as ``|G - sum_i w_i A_i|^2`` when the weights sum to one, so one blended target per
layer suffices. Each layer's loss is divided by its target's mean square so layers of very
different magnitudes (and different loss networks) need no hand-tuned weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import Tensor

from studio.engine.style.loss_networks import LossNetwork
from studio.engine.style.progress import JobProgress
from studio.engine.thread_policy import job_threads

PREVIEW_EVERY = 10
PREVIEW_SIDE = 256


@dataclass(frozen=True)
class IterativeSettings:
    """Knobs of the optimisation; the defaults suit images of 256 to 512 pixels."""

    iterations: int = 200
    content_weight: float = 1.0
    style_weight: float = 300.0
    smoothness_weight: float = 1e-3
    seed: int | None = None
    noise: float = 0.1


@dataclass(frozen=True, eq=False)
class IterativeResult:
    image: np.ndarray
    losses: list[float] = field(default_factory=list)


def gram_matrix(features: Tensor) -> Tensor:
    """``(C, C)`` channel correlations of ``(1, C, H, W)`` features, divided by ``C * H * W``."""
    _, channels, height, width = features.shape
    flat = features.reshape(channels, height * width)
    return flat @ flat.T / (channels * height * width)


def _to_tensor(image: np.ndarray, device: torch.device) -> Tensor:
    return (
        torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1)[None].contiguous().to(device)
    )


def _targets(
    network: LossNetwork, content: Tensor, styles: list[tuple[Tensor, float]]
) -> tuple[Tensor, list[Tensor]]:
    with torch.no_grad():
        content_target = network.module(content)[network.content_layer]
        blended: list[Tensor] = []
        for style, weight in styles:
            features = network.module(style)
            grams = [gram_matrix(features[i]) * weight for i in network.style_layers]
            blended = grams if not blended else [a + b for a, b in zip(blended, grams, strict=True)]
    return content_target, blended


def _smoothness(image: Tensor) -> Tensor:
    """Total variation: keeps the noisy start from leaving speckle behind."""
    return (image[..., 1:, :] - image[..., :-1, :]).abs().mean() + (
        image[..., 1:] - image[..., :-1]
    ).abs().mean()


def _initial_image(content: Tensor, settings: IterativeSettings) -> Tensor:
    if settings.seed is None:
        return content.clone()
    generator = torch.Generator().manual_seed(settings.seed)
    noise = torch.randn(content.shape, generator=generator).to(content.device)
    return (content + settings.noise * noise).clamp(0.0, 1.0)


def _preview(image: Tensor) -> np.ndarray:
    pixels = image[0].detach().clamp(0, 1).permute(1, 2, 0).mul(255).round().byte().cpu().numpy()
    step = max(1, max(pixels.shape[:2]) // PREVIEW_SIDE)
    return np.ascontiguousarray(pixels[::step, ::step])


def stylize_iterative(
    content: np.ndarray,
    styles: list[tuple[np.ndarray, float]],
    network: LossNetwork,
    device: torch.device,
    progress: JobProgress,
    settings: IterativeSettings,
) -> IterativeResult:
    """Optimise an ``(H, W, 3)`` float image toward the content of ``content`` and the blended
    style of ``styles`` (``(image, weight)`` pairs, weights summing to one).

    Reports one progress step per iteration (with a preview every few) and raises
    :class:`~studio.domain.errors.JobCancelled` within one iteration of a cancel.
    """
    # Torch's CPU threads are capped at the idle cores while the optimisation runs.
    with job_threads(device):
        content_tensor = _to_tensor(content, device)
        style_tensors = [(_to_tensor(image, device), weight) for image, weight in styles]
        content_target, style_targets = _targets(network, content_tensor, style_tensors)
        content_scale = content_target.pow(2).mean().clamp_min(1e-12)
        style_scales = [t.pow(2).mean().clamp_min(1e-12) for t in style_targets]
        image = _initial_image(content_tensor, settings).requires_grad_(True)
        optimizer = torch.optim.LBFGS(
            [image], lr=1.0, max_iter=1, history_size=20, line_search_fn="strong_wolfe"
        )
        losses: list[float] = []

        def closure() -> Tensor:
            progress.check()
            optimizer.zero_grad()
            features = network.module(image)
            loss = settings.content_weight * (
                (features[network.content_layer] - content_target).pow(2).mean() / content_scale
            )
            for layer, target, scale in zip(
                network.style_layers, style_targets, style_scales, strict=True
            ):
                loss = (
                    loss
                    + settings.style_weight
                    * (gram_matrix(features[layer]) - target).pow(2).mean()
                    / scale
                )
            loss = loss + settings.smoothness_weight * _smoothness(image)
            loss.backward()
            return loss

        for iteration in range(settings.iterations):
            losses.append(float(optimizer.step(closure).detach()))
            with torch.no_grad():
                image.clamp_(0.0, 1.0)
            last = iteration == settings.iterations - 1
            progress.step(_preview(image) if (iteration + 1) % PREVIEW_EVERY == 0 or last else None)
        result = image.detach()[0].permute(1, 2, 0).cpu().numpy()
        return IterativeResult(np.ascontiguousarray(result, dtype=np.float32), losses)
