"""A perceptual reconstruction term from the early stages of the packaged EfficientNet-Lite0.

No VGG weights ship in any reachable package (../shared/DATA.md); EfficientNet-Lite0's ImageNet
weights do. Only its first stages (edges, textures, small parts, up to stride 8) are used, on
the sprite composited over mid-grey, with each feature map unit-normalised per position as LPIPS
does (without LPIPS's learned weights). The evaluation's Frechet distance uses the network's
final pooled features, not these early maps.
"""

from __future__ import annotations

from typing import cast

import torch
import torch.nn.functional as F  # noqa: N812  (the PyTorch idiom)
from torch import nn

from studio.engine.efficientnet import efficientnet_lite0

TAP_BLOCKS = (0, 2, 4)  # after the stride-2, stride-4 and stride-8 stages


class PerceptualLoss(nn.Module):
    """Distance between early EfficientNet-Lite0 features of two model-space RGBA batches."""

    def __init__(self) -> None:
        super().__init__()
        network = efficientnet_lite0()
        # The package's submodules reach the checker as Module attributes of unknown type.
        parts = [cast(nn.Module, getattr(network, n)) for n in ("_conv_stem", "_bn0", "_swish")]
        self.stem = nn.Sequential(*parts)
        blocks = cast(nn.ModuleList, network._blocks)
        self.blocks = nn.ModuleList(blocks[: max(TAP_BLOCKS) + 1])
        self.eval().requires_grad_(False)

    def train(self, mode: bool = True) -> PerceptualLoss:
        # Batch-norm statistics stay the ImageNet ones whatever the trainer does.
        return super().train(False)

    def features(self, images: torch.Tensor) -> list[torch.Tensor]:
        h = self.stem(_composite_on_grey(images))
        taps = []
        for index, block in enumerate(self.blocks):
            h = block(h)
            if index in TAP_BLOCKS:
                taps.append(F.normalize(h, dim=1))
        return taps

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            target_features = self.features(target)
        losses = [
            (p - t).pow(2).sum(dim=1).mean()
            for p, t in zip(self.features(prediction), target_features, strict=True)
        ]
        return torch.stack(losses).mean()


class PerceptualTerm:
    """The perceptual term a recipe asks for (``perceptual_weight``; 0 leaves it out).

    The VAE and the AR model's VQ stage add it the same way; the network loads only when the
    weight is above zero.
    """

    def __init__(self, weight: float, device: torch.device | str) -> None:
        self.weight = weight
        self.loss = PerceptualLoss().to(device) if weight > 0 else None

    def add(
        self,
        loss: torch.Tensor,
        logs: dict[str, float],
        reconstruction: torch.Tensor,
        target: torch.Tensor,
    ) -> torch.Tensor:
        """``loss`` plus the weighted term (logged as ``perceptual``), or ``loss`` as it is."""
        if self.loss is None:
            return loss
        term = self.loss(reconstruction, target)
        logs["perceptual"] = float(term.detach())
        return loss + self.weight * term


def _composite_on_grey(images: torch.Tensor) -> torch.Tensor:
    # Model space is premultiplied in [-1, 1]; over mid-grey the result stays in [-1, 1],
    # which is the input range EfficientNet-Lite expects.
    x = (images + 1.0) / 2.0
    rgb, alpha = x[:, :3], x[:, 3:]
    return (rgb + (1.0 - alpha) * 0.5) * 2.0 - 1.0
