"""Instance norm for the style networks, with statistics that can be measured or supplied.

Both feed-forward networks normalise every convolution with (conditional) instance norm, whose
statistics are taken over the whole image. :class:`NormPass` makes those statistics explicit so
the tiled path can compute them once on the whole picture and reuse them in every tile (see
:mod:`studio.engine.style.tiling`).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from studio.engine.style.convs import ReflectConv

NormStats = list[tuple[Tensor, Tensor]]
"""``(mean, var)`` of each instance-norm input, shaped ``(1, C, 1, 1)``, in forward order."""


class NormPass:
    """How the instance-norm layers of one forward pass get their statistics.

    Parameters
    ----------
    frozen
        Statistics recorded by an earlier pass; layer ``i`` uses ``frozen[i]`` instead of
        measuring its own input. ``None`` measures every layer (the exact, untiled network).
    """

    def __init__(self, frozen: Sequence[tuple[Tensor, Tensor]] | None = None) -> None:
        self.frozen = list(frozen) if frozen is not None else None
        self.recorded: NormStats = []
        self._index = 0

    def take_frozen(self) -> tuple[Tensor, Tensor] | None:
        """Statistics for the next norm layer, or ``None`` when they must be measured."""
        if self.frozen is None:
            return None
        if self._index >= len(self.frozen):
            raise RuntimeError("Frozen norm statistics do not match the network's layers.")
        stats = self.frozen[self._index]
        self._index += 1
        return stats

    def record(self, mean: Tensor, var: Tensor) -> None:
        self.recorded.append((mean, var))


Activation = str  # "relu", "sigmoid" or "none"


def _activate(y: Tensor, activation: Activation) -> Tensor:
    if activation == "relu":
        return y.relu_()
    if activation == "sigmoid":
        return y.sigmoid_()
    return y


def conv_instance_norm(
    conv: ReflectConv,
    x: Tensor,
    gamma: Tensor,
    beta: Tensor,
    eps: float,
    norm: NormPass,
    activation: Activation = "none",
) -> Tensor:
    """``act(gamma * (conv(x) - mean) / sqrt(var + eps) + beta)``, biased per-channel statistics.

    ``gamma`` and ``beta`` have shape ``(C,)``; statistics are measured over the batch and both
    spatial axes (and, for phased convolutions, over the phases of a channel) unless ``norm``
    supplies frozen ones.

    With frozen statistics the normalisation is a per-channel affine map, so it is folded into
    the convolution's weights and bias: one convolution and no extra pass over the activations.
    """
    weight, bias = conv.kernel()
    phases = conv.phases
    frozen = norm.take_frozen()
    if frozen is not None:
        mean, var = frozen
        scale = gamma * torch.rsqrt(var.flatten() + eps)
        shift = beta - mean.flatten() * scale
        scale, shift = scale.repeat_interleave(phases), shift.repeat_interleave(phases)
        if bias is not None:
            shift = shift + bias * scale
        y = conv.convolve(x, weight * scale.view(-1, 1, 1, 1), shift)
        return conv.finish(_activate(y, activation))
    y = conv.convolve(x, weight, bias)
    mean, var = batch_statistics(y, phases)
    norm.record(mean, var)
    scale = gamma.view(1, -1, 1, 1) * torch.rsqrt(var + eps)
    shift = beta.view(1, -1, 1, 1) - mean * scale
    if phases > 1:
        scale, shift = scale.repeat_interleave(phases, 1), shift.repeat_interleave(phases, 1)
    y = torch.addcmul(shift, y, scale, out=y)  # in place: no new full-size buffer
    return conv.finish(_activate(y, activation))


class AffineSteps:
    """One forward pass of a conditioned network: each call runs the next conditioned layer.

    Both style networks instance-normalise every conditioned convolution and apply that
    layer's ``(gamma, beta)`` from ``affine``, in forward order.

    Parameters
    ----------
    affine
        Per-layer ``(gamma, beta)`` from the network's ``condition``.
    eps
        The instance norm's epsilon.
    norm
        How the norm layers get their statistics (default: measured).
    """

    def __init__(
        self, affine: list[tuple[Tensor, Tensor]], eps: float, norm: NormPass | None = None
    ) -> None:
        self._terms = iter(affine)
        self._eps = eps
        self._norm = norm or NormPass()

    def __call__(self, conv: ReflectConv, x: Tensor, activation: Activation = "relu") -> Tensor:
        gamma, beta = next(self._terms)
        return conv_instance_norm(conv, x, gamma, beta, self._eps, self._norm, activation)

    def expand(self, convs: Sequence[ReflectConv], x: Tensor) -> Tensor:
        """The three expanding layers every style network ends with: two ReLUs, a sigmoid."""
        x = self(convs[0], x)
        x = self(convs[1], x)
        return self(convs[2], x, "sigmoid")


def batch_statistics(y: Tensor, phases: int = 1) -> tuple[Tensor, Tensor]:
    """Per-channel mean and biased variance over the batch, both spatial axes and the
    ``phases`` consecutive channels that make up one channel of a phased convolution.

    Pooled over the batch too: a batch is one image cut into patches (see fast.py), so every
    patch is normalised with the statistics of them all; for one image this is instance norm.
    """
    if y.device.type == "cpu" and y.is_contiguous(memory_format=torch.channels_last):
        mean, var = _channels_last_statistics(y)
    else:
        var, mean = torch.var_mean(y, dim=(0, 2, 3), correction=0)
    if phases > 1:  # equal-sized groups: pool the means, and the second moments
        mean, var = mean.view(-1, phases), var.view(-1, phases)
        pooled = mean.mean(1)
        var = (var + mean.square()).mean(1) - pooled.square()
        mean = pooled
    return mean.view(1, -1, 1, 1), var.view(1, -1, 1, 1)


STATISTICS_CHUNK = 16384
"""Pixels per partial sum of :func:`_channels_last_statistics`."""


def _channels_last_statistics(y: Tensor) -> tuple[Tensor, Tensor]:
    """Mean and biased variance of a channels-last CPU tensor, fast and to float precision.

    ``batch_norm_update_stats`` reads a channels-last tensor in one vectorised pass (20x
    faster than ``var_mean`` there), but it sums in float32: over a 1024 px image the variance
    came out 2e-4 off, and fifteen normalised layers later the output was 1e-3 away from
    onnxruntime's. Its partial statistics over bands of about :data:`STATISTICS_CHUNK` pixels
    are accurate (1e-6), so the bands are measured separately and merged in float64 (Chan et
    al.'s pairwise formula), for about 25 % more time than one pass.
    """
    batch, _, height, width = y.shape
    rows = max(1, STATISTICS_CHUNK // width)
    means, variances, counts = [], [], []
    for index in range(batch):
        for top in range(0, height, rows):
            band = y[index : index + 1, :, top : top + rows]
            mean, var = torch.batch_norm_update_stats(band, None, None, 0.0)
            means.append(mean)
            variances.append(var)
            counts.append(band.shape[2] * width)
    if len(means) == 1:
        return means[0], variances[0]
    count = torch.tensor(counts, dtype=torch.float64)[:, None]
    band_means = torch.stack(means).double()
    mean = (count * band_means).sum(0) / count.sum()
    spread = torch.stack(variances).double() + (band_means - mean).square()
    var = (count * spread).sum(0) / count.sum()
    return mean.to(y.dtype), var.to(y.dtype)
