"""The three kinds of convolution in the style networks, each computed the fast way on a CPU.

All three keep the weights exactly as the ONNX graphs store them (so the state dict is the
graph's) and compute the same numbers; two of them rearrange the work:

* :class:`ReflectConv`: reflect padding of ``kernel // 2``, then a plain convolution.
* :class:`UpsampleConv`: nearest 2x upsampling, reflect padding of 1, a 3x3 convolution. Each
  output pixel of the upsampled grid sees a 2x2 patch of the *small* input, so the four output
  phases are computed as one 3x3 convolution of the small input (edge-replicated by one pixel,
  which is what reflecting the upsampled grid amounts to) with four times the output channels,
  then interleaved with ``pixel_shuffle``. No upsampled copy is ever built and oneDNN gets 16 or
  32 output channels to vectorise instead of 4 or 8 (measured 2x faster).
* :class:`SpaceToDepthConv`: the 9x9 output convolution with only 3 output channels, which
  leaves most SIMD lanes idle. Rewritten on the 2x2 space-to-depth view of the padded input it is
  a 5x5 convolution from 16 to 12 channels (measured 2x faster end to end).

Layers whose output comes in phases (``phases == 4``) produce ``phases * C`` channels; the norm
layer pools the statistics of a channel over its phases, and :meth:`ReflectConv.finish`
interleaves the phases back into the full-resolution image.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812  (the torch convention)
from torch import Tensor, nn

# _UPSAMPLE_TAPS[a, o, d]: for output phase a, tap d of the 3x3 kernel on the upsampled grid
# reads row o of the 3x3 neighbourhood of the small input (floor((a + d - 1) / 2) + 1).
_UPSAMPLE_TAPS = torch.tensor(
    [
        [[1.0, 0.0, 0.0], [0.0, 1.0, 1.0], [0.0, 0.0, 0.0]],
        [[0.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
    ]
)


def _space_to_depth_taps(kernel: int) -> Tensor:
    """``taps[a, q, p, d]`` is 1 when tap ``d`` of the kernel, for output phase ``a``, reads
    row ``p`` of the space-to-depth grid in phase ``q`` (``d == 2 * p + q - a``).
    """
    rows = kernel // 2 + 1
    taps = torch.zeros(2, 2, rows, kernel)
    for a in range(2):
        for q in range(2):
            for p in range(rows):
                d = 2 * p + q - a
                if 0 <= d < kernel:
                    taps[a, q, p, d] = 1.0
    return taps


class ReflectConv(nn.Module):
    """Reflect padding of ``kernel // 2``, then a convolution (stride 1 or 2)."""

    phases = 1

    def __init__(
        self, in_channels: int, out_channels: int, kernel: int, stride: int = 1, bias: bool = False
    ) -> None:
        super().__init__()
        # Left uninitialised: every network is filled from converted weights (strict load).
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, kernel, kernel))
        self.bias = nn.Parameter(torch.empty(out_channels)) if bias else None
        self.stride = stride

    def prepare(self, x: Tensor) -> Tensor:
        """The input as the convolution reads it (padded, rearranged)."""
        pad = self.weight.shape[-1] // 2
        return F.pad(x, (pad,) * 4, mode="reflect") if pad else x

    def kernel(self) -> tuple[Tensor, Tensor | None]:
        """Weight and bias as applied to :meth:`prepare`'s output (one set per phase)."""
        return self.weight, self.bias

    def finish(self, y: Tensor) -> Tensor:
        """Turn the convolution's output into the layer's output image."""
        return y

    def convolve(self, x: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        """The convolution of the layer's input ``x`` with ``weight`` and ``bias`` (as
        :meth:`kernel` gives them, possibly rescaled), before :meth:`finish`."""
        if x.is_contiguous(memory_format=torch.channels_last):
            # With a plain weight and a 3-channel input, oneDNN writes a plain (NCHW) output,
            # and every later pass over it is slow: at 1024 px the norm statistics of the
            # first layer took 28 ms instead of 5 and the convolution 95 ms instead of 82.
            weight = weight.contiguous(memory_format=torch.channels_last)
        if self.stride == 2 and weight.shape[-1] == 3 and _even_sides(x):
            return _halving_conv(x, weight, bias)
        return F.conv2d(self.prepare(x), weight, bias, self.stride)

    def forward(self, x: Tensor) -> Tensor:
        weight, bias = self.kernel()
        return self.finish(self.convolve(x, weight, bias))


def _even_sides(x: Tensor) -> bool:
    return x.shape[-2] % 2 == 0 and x.shape[-1] % 2 == 0


def _halving_conv(x: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
    """A 3x3 stride-2 convolution of the reflect-padded ``x`` (even sides), without padding it.

    On even sides a stride-2 3x3 window never reaches the bottom or right padding, and the top
    row and left column of padding reflect input row 1 and column 1. So the convolution runs
    with the library's built-in zero padding (no padded copy of a full-resolution activation:
    the copy alone cost as much as the convolution) and the first output row and column then
    get what the reflected row and column would have added. The corner tap is counted once,
    in the row term (whose row is itself reflected at its left end).
    """
    out = F.conv2d(x, weight, bias, 2, 1)
    row = F.pad(x[:, :, 1:2, :], (1, 1, 0, 0), mode="reflect")
    out[:, :, :1, :] += F.conv2d(row, weight[:, :, :1, :], None, (1, 2))
    column = x[:, :, :, 1:2]
    out[:, :, :, :1] += F.conv2d(column, weight[:, :, :, :1], None, (2, 1), (1, 0))
    return out


def _repeat_bias(bias: Tensor | None, phases: int) -> Tensor | None:
    return None if bias is None else bias.repeat_interleave(phases)


class UpsampleConv(ReflectConv):
    """Nearest 2x upsampling, reflect padding 1 and a 3x3 convolution, done in four phases."""

    phases = 4

    def __init__(self, in_channels: int, out_channels: int, bias: bool = False) -> None:
        super().__init__(in_channels, out_channels, 3, bias=bias)

    def prepare(self, x: Tensor) -> Tensor:
        return F.pad(x, (1, 1, 1, 1), mode="replicate")

    def kernel(self) -> tuple[Tensor, Tensor | None]:
        taps = _UPSAMPLE_TAPS.to(self.weight)
        weight = torch.einsum("ayk,bxl,cikl->cabiyx", taps, taps, self.weight)
        out_channels, in_channels = self.weight.shape[:2]
        weight = weight.reshape(out_channels * 4, in_channels, 3, 3)
        return weight.contiguous(memory_format=torch.channels_last), _repeat_bias(self.bias, 4)

    def finish(self, y: Tensor) -> Tensor:
        return F.pixel_shuffle(y, 2)


class SpaceToDepthConv(ReflectConv):
    """Reflect padding and an odd ``kernel`` convolution, computed on the 2x2 space-to-depth
    view of the input. Input sides must be even.
    """

    phases = 4

    def __init__(
        self, in_channels: int, out_channels: int, kernel: int, bias: bool = False
    ) -> None:
        super().__init__(in_channels, out_channels, kernel, bias=bias)
        self.register_buffer("taps", _space_to_depth_taps(kernel), persistent=False)

    def prepare(self, x: Tensor) -> Tensor:
        padded = super().prepare(x)
        return F.pixel_unshuffle(padded, 2).contiguous(memory_format=torch.channels_last)

    def kernel(self) -> tuple[Tensor, Tensor | None]:
        taps = self.taps.to(self.weight)
        weight = torch.einsum("aqpk,bsrl,cikl->cabiqspr", taps, taps, self.weight)
        out_channels, in_channels = self.weight.shape[:2]
        rows = taps.shape[2]
        weight = weight.reshape(out_channels * 4, in_channels * 4, rows, rows)
        return weight.contiguous(memory_format=torch.channels_last), _repeat_bias(self.bias, 4)

    def finish(self, y: Tensor) -> Tensor:
        return F.pixel_shuffle(y, 2)
