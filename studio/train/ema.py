"""Exponential moving average of a model's weights, the copy that gets sampled and shipped."""

from __future__ import annotations

import copy
from typing import Any, Generic, TypeVar

import torch
from torch import nn

M = TypeVar("M", bound=nn.Module)


class EMA(Generic[M]):
    """A frozen shadow copy of ``model`` that trails its weights (``model`` keeps its type).

    The decay warms up as ``(1 + step) / (10 + step)`` so early, poor weights fade quickly.

    Parameters
    ----------
    decay
        Target decay per update (0.999 averages over roughly the last thousand steps).
    """

    def __init__(self, model: M, decay: float) -> None:
        self.decay = decay
        self.model: M = copy.deepcopy(model).eval().requires_grad_(False)

    @torch.no_grad()
    def update(self, model: nn.Module, step: int) -> None:
        """Move the shadow weights toward ``model``'s after optimiser step ``step``."""
        decay = min(self.decay, (1 + step) / (10 + step))
        for shadow, live in zip(self.model.parameters(), model.parameters(), strict=True):
            shadow.lerp_(live.detach(), 1.0 - decay)
        for shadow_buffer, live_buffer in zip(self.model.buffers(), model.buffers(), strict=True):
            shadow_buffer.copy_(live_buffer)

    def state_dict(self) -> dict[str, Any]:
        return self.model.state_dict()

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.model.load_state_dict(state)
