"""The perceptual term the VAE and the AR model's VQ stage share (train/perceptual.py)."""

from __future__ import annotations

import pytest
import torch

from studio.train.perceptual import PerceptualTerm


def test_a_zero_weight_leaves_the_loss_alone_and_loads_no_network() -> None:
    term = PerceptualTerm(0.0, "cpu")
    loss, logs = torch.tensor(1.5), {"l1": 1.5}
    images = torch.zeros(1, 4, 16, 16)
    assert term.loss is None
    assert term.add(loss, logs, images, images) is loss and logs == {"l1": 1.5}


def test_a_weight_adds_the_weighted_distance_and_logs_it() -> None:
    pytest.importorskip("efficientnet_lite_pytorch")
    term = PerceptualTerm(0.5, "cpu")
    generator = torch.Generator().manual_seed(0)
    target = torch.rand(2, 4, 16, 16, generator=generator) * 2 - 1
    prediction = torch.rand(2, 4, 16, 16, generator=generator) * 2 - 1
    logs: dict[str, float] = {}
    same = term.add(torch.tensor(1.0), logs, target, target)
    assert float(same) == pytest.approx(1.0) and logs["perceptual"] == pytest.approx(0.0)
    moved = term.add(torch.tensor(1.0), logs, prediction, target)
    assert logs["perceptual"] > 0
    assert float(moved) == pytest.approx(1.0 + 0.5 * logs["perceptual"], rel=1e-5)
