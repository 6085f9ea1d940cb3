"""The rearranged convolutions compute what reflect padding plus a plain convolution computes."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F  # noqa: N812  (the torch convention)

from studio.engine.style.convs import ReflectConv

CHANNELS_LAST = torch.channels_last


def _reference(conv: ReflectConv, x: torch.Tensor) -> torch.Tensor:
    pad = conv.weight.shape[-1] // 2
    return F.conv2d(F.pad(x, (pad,) * 4, mode="reflect"), conv.weight, conv.bias, conv.stride)


def _conv(in_channels: int, out_channels: int, kernel: int, stride: int) -> ReflectConv:
    torch.manual_seed(0)
    conv = ReflectConv(in_channels, out_channels, kernel, stride=stride, bias=True)
    with torch.no_grad():
        conv.weight.normal_()
        conv.bias.normal_()
    return conv


@pytest.mark.parametrize(("height", "width"), [(8, 8), (6, 10), (32, 20), (7, 9)])
@pytest.mark.parametrize("layout", [torch.contiguous_format, CHANNELS_LAST])
def test_stride_two_without_a_padded_copy_matches_reflect_padding(height, width, layout) -> None:
    conv = _conv(5, 7, 3, stride=2)
    x = torch.randn(2, 5, height, width).contiguous(memory_format=layout)
    with torch.no_grad():
        assert torch.allclose(conv(x), _reference(conv, x), atol=1e-5)


def test_channels_last_input_gives_channels_last_output_even_with_three_channels() -> None:
    # A plain-layout output of the first 9x9 layer made every later pass over it slow.
    conv = _conv(3, 32, 9, stride=1)
    x = torch.rand(1, 3, 40, 40).contiguous(memory_format=CHANNELS_LAST)
    with torch.no_grad():
        out = conv(x)
        assert out.is_contiguous(memory_format=CHANNELS_LAST)
        assert torch.allclose(out, _reference(conv, x), atol=1e-4)
