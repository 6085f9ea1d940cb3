"""Seamless tiling: make every convolution of a network wrap around, for one job only.

A convolution with zero padding sees black beyond the border, so opposite edges never agree.
With circular padding the left edge is padded with the right one (and top with bottom), so
the output is periodic: placed side by side, the image continues across the join. This is
the mechanism of A1111's "Tiling" and InvokeAI's "seamless": :func:`circular_padding` switches
it on for the chosen axes and restores every module exactly afterwards, also when the job
raises. Nothing is replaced, only attributes are changed, so a ``torch.compile``\\ d module
sees the change through its guards and recompiles once for the tiled variant.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812  (the PyTorch idiom)
from torch import nn


@contextmanager
def circular_padding(
    modules: Iterable[nn.Module | None], tile_x: bool, tile_y: bool
) -> Iterator[int]:
    """Wrap every ``Conv2d`` and ``ConvTranspose2d`` of ``modules`` around the chosen axes.

    Parameters
    ----------
    modules
        Networks to patch (a UNet and a VAE, or a built-in model); ``None`` entries are skipped.
    tile_x, tile_y
        Wrap left/right, top/bottom. With neither, nothing changes.

    Yields
    ------
    int
        How many convolutions were patched.
    """
    patched: list[tuple[nn.Module, dict[str, Any]]] = []
    if tile_x or tile_y:
        for module in modules:
            if module is None:
                continue
            for conv in module.modules():
                if isinstance(conv, nn.Conv2d | nn.ConvTranspose2d) and _pads(conv):
                    patched.append((conv, _wrap(conv, tile_x, tile_y)))
    try:
        yield len(patched)
    finally:
        for conv, saved in reversed(patched):
            for name, value in saved.items():
                if value is _ABSENT:
                    conv.__dict__.pop(name, None)
                else:
                    setattr(conv, name, value)


_ABSENT = object()


def _pads(conv: nn.Module) -> bool:
    padding = conv.padding
    return not isinstance(padding, str) and any(int(p) > 0 for p in padding)


def _wrap(conv: nn.Module, tile_x: bool, tile_y: bool) -> dict[str, Any]:
    saved = {
        "padding_mode": conv.padding_mode,
        "_conv_forward": conv.__dict__.get("_conv_forward", _ABSENT),
        "forward": conv.__dict__.get("forward", _ABSENT),
    }
    if isinstance(conv, nn.ConvTranspose2d):
        # ConvTranspose2d only supports zero padding: wrap the input instead, then crop.
        conv.padding_mode = "circular"
        conv.forward = _transposed_forward(conv, tile_x, tile_y)  # type: ignore[method-assign]
        return saved
    conv.padding_mode = "circular"
    if not (tile_x and tile_y):
        conv._conv_forward = _one_axis_forward(conv, tile_x)  # type: ignore[method-assign]
    return saved


def _one_axis_forward(conv: nn.Conv2d, wrap_x: bool) -> Any:
    """``_conv_forward`` padding circularly along one axis and with zeros along the other."""
    pad_h, pad_w = (int(p) for p in conv.padding)

    def forward(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
        if wrap_x:
            x = F.pad(F.pad(x, (pad_w, pad_w, 0, 0), mode="circular"), (0, 0, pad_h, pad_h))
        else:
            x = F.pad(F.pad(x, (0, 0, pad_h, pad_h), mode="circular"), (pad_w, pad_w, 0, 0))
        return F.conv2d(x, weight, bias, conv.stride, 0, conv.dilation, conv.groups)

    return forward


def _transposed_forward(conv: nn.ConvTranspose2d, tile_x: bool, tile_y: bool) -> Any:
    """Transposed convolution of a circularly extended input, cropped to the normal output.

    Output pixel ``o`` of a transposed convolution gathers inputs within ``kernel / stride``
    of ``o / stride``; extending the input by that many wrapped pixels on each side and
    cropping the extra ``margin * stride`` output pixels gives the periodic result.
    """

    def forward(x: torch.Tensor, output_size: list[int] | None = None) -> torch.Tensor:
        height, width = x.shape[-2:]
        margins = []
        for axis, wraps in ((0, tile_y), (1, tile_x)):
            k, s = conv.kernel_size[axis], conv.stride[axis]
            margins.append(-(-k // s) if wraps else 0)
        m_h, m_w = margins
        x = F.pad(x, (m_w, m_w, m_h, m_h), mode="circular")
        out = F.conv_transpose2d(
            x, conv.weight, conv.bias, conv.stride, 0, conv.output_padding, conv.groups,
            conv.dilation,
        )  # fmt: skip
        crops = []
        for axis, size, margin in ((0, height, m_h), (1, width, m_w)):
            k, s, p = conv.kernel_size[axis], conv.stride[axis], conv.padding[axis]
            d, op = conv.dilation[axis], conv.output_padding[axis]
            length = (size - 1) * s - 2 * p + d * (k - 1) + op + 1
            crops.append((margin * s + p, length))
        (top, h), (left, w) = crops
        return out[..., top : top + h, left : left + w]

    return forward


def is_wrapping(conv: nn.Module) -> bool:
    """Whether ``conv`` is currently patched to wrap (what the tests check)."""
    return conv.padding_mode == "circular"


@contextmanager
def plain_padding(module: nn.Module) -> Iterator[None]:
    """Inside a :func:`circular_padding` block, give ``module`` its zero padding back for a while.

    A tiled VAE decode of a seamless image needs this: it provides the wrap itself (see
    :mod:`studio.engine.sd.decoding`).
    """
    saved: list[tuple[nn.Module, dict[str, Any]]] = []
    for conv in module.modules():
        if isinstance(conv, nn.Conv2d | nn.ConvTranspose2d) and conv.padding_mode == "circular":
            state = {name: conv.__dict__.pop(name) for name in _OVERRIDES if name in conv.__dict__}
            state["padding_mode"] = conv.padding_mode
            conv.padding_mode = "zeros"
            saved.append((conv, state))
    try:
        yield
    finally:
        for conv, state in saved:
            for name, value in state.items():
                setattr(conv, name, value)


_OVERRIDES = ("_conv_forward", "forward")
