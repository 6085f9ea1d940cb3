"""Circular padding: correct wrap on each axis, exact restore, and seamless output."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from studio.engine.editing.tiling import circular_padding, plain_padding
from studio.imaging.seams import seam_score


def _net() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1),
        nn.SiLU(),
        nn.Conv2d(8, 8, 3, stride=2, padding=1),
        nn.ConvTranspose2d(8, 8, 4, stride=2, padding=1),
        nn.Conv2d(8, 3, 5, padding=2),
    ).eval()


def _roll(x: torch.Tensor, dy: int, dx: int) -> torch.Tensor:
    return torch.roll(x, shifts=(dy, dx), dims=(-2, -1))


@torch.no_grad()
def test_wrapped_net_commutes_with_rolling_the_input() -> None:
    # A network that wraps cannot tell where the image "starts": rolling its input rolls its
    # output. With zero padding the border pixels differ.
    net, x = _net(), torch.randn(1, 3, 16, 16)
    with circular_padding([net], True, True):
        assert torch.allclose(net(_roll(x, 4, 6)), _roll(net(x), 4, 6), atol=1e-5)
    assert not torch.allclose(net(_roll(x, 4, 6)), _roll(net(x), 4, 6), atol=1e-3)


@torch.no_grad()
@pytest.mark.parametrize(("tile_x", "tile_y"), [(True, False), (False, True)])
def test_one_axis_wraps_only_that_axis(tile_x: bool, tile_y: bool) -> None:
    net, x = _net(), torch.randn(1, 3, 16, 16)
    shift_along = (0, 6) if tile_x else (6, 0)
    shift_across = (6, 0) if tile_x else (0, 6)
    with circular_padding([net], tile_x, tile_y):
        assert torch.allclose(net(_roll(x, *shift_along)), _roll(net(x), *shift_along), atol=1e-5)
        across = net(_roll(x, *shift_across))
        assert not torch.allclose(across, _roll(net(x), *shift_across), atol=1e-3)


@torch.no_grad()
def test_padding_is_restored_exactly_also_after_an_error() -> None:
    net, x = _net(), torch.randn(1, 3, 16, 16)
    before = net(x)
    with pytest.raises(RuntimeError), circular_padding([net, None], True, False) as count:
        assert count == 4
        assert all(m.padding_mode == "circular" for m in net if hasattr(m, "padding_mode"))
        raise RuntimeError("the job failed")
    assert all(m.padding_mode == "zeros" for m in net if hasattr(m, "padding_mode"))
    assert all(not ({"forward", "_conv_forward"} & set(vars(m))) for m in net)
    assert torch.equal(net(x), before)


@torch.no_grad()
def test_plain_padding_lifts_the_wrap_for_a_while() -> None:
    net, x = _net(), torch.randn(1, 3, 16, 16)
    with circular_padding([net], True, True):
        wrapped = net(x)
        with plain_padding(net):
            assert torch.allclose(net(x), _net()(x))
        assert torch.equal(net(x), wrapped)


def _smooth_model() -> nn.Module:
    """Noise in, a smooth image out: a stack of box blurs (what a texture model's output is)."""
    layers = []
    for _ in range(10):
        conv = nn.Conv2d(3, 3, 5, padding=2, groups=3, bias=False)
        nn.init.constant_(conv.weight, 1.0 / 25)
        layers.append(conv)
    return nn.Sequential(*layers).eval()


@torch.no_grad()
def test_tiled_output_of_a_smooth_model_has_no_seam_and_untiled_has_one() -> None:
    model = _smooth_model()
    noise = torch.randn(1, 3, 64, 64, generator=torch.Generator().manual_seed(1))

    def image() -> torch.Tensor:
        out = model(noise)[0].permute(1, 2, 0)
        return (out - out.min()) / (out.max() - out.min()) * 255

    plain = image().numpy()
    with circular_padding([model], True, True):
        tiled = image().numpy()
    for axis in ("x", "y"):
        assert seam_score(tiled, axis) < 1.25
        assert seam_score(plain, axis) > 2.0  # the same test without the wrap fails


@torch.no_grad()
def test_a_compiled_network_follows_the_wrap_on_and_off() -> None:
    # torch.compile guards on the patched module attributes, so a model compiled before the
    # job recompiles for the tiled variant and returns to the plain one after (the eager
    # backend traces with the same guards without needing a C++ compiler).
    net, x = _net(), torch.randn(1, 3, 16, 16)
    plain = net(x)
    with circular_padding([net], True, False):
        wrapped_x = net(x)
    compiled = torch.compile(net, backend="eager")
    assert torch.allclose(compiled(x), plain)
    with circular_padding([net], True, False):
        assert torch.allclose(compiled(x), wrapped_x, atol=1e-6)
    assert torch.allclose(compiled(x), plain)
