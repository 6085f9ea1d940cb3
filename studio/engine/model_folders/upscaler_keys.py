"""Which upscaler architecture a weights file holds, by spandrel's own detection.

spandrel (the library ComfyUI and chaiNNer load upscalers with) decides an architecture from
the state dict's key set before it builds anything. Its detectors are handed the names and
stand-ins that carry only a ``shape``, so nothing is loaded and no file code can run. spandrel
imports torch, so it is only asked about files no cheaper rule recognised.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

log = logging.getLogger(__name__)


class _ShapeOnly:
    """What a detector may look at: the tensor's shape, never its values."""

    __slots__ = ("shape",)

    def __init__(self, shape: Sequence[int]) -> None:
        self.shape = tuple(int(d) for d in shape)


def upscaler_architecture(shapes: Mapping[str, Sequence[int]]) -> str | None:
    """spandrel's name for the architecture (``"ESRGAN"``, ``"SwinIR"``...), or ``None``."""
    if not shapes:
        return None
    from spandrel import canonicalize_state_dict

    state: dict[str, Any] = canonicalize_state_dict(
        {name: _ShapeOnly(shape) for name, shape in shapes.items()}
    )
    for support in _detectors():
        try:
            if support.detect(state):
                return str(support.architecture.name)
        except Exception:  # a detector reading a value it cannot have here is simply no match
            log.debug("spandrel detector %s failed on shapes", support.architecture.id)
    return None


@cache
def _detectors() -> list[Any]:
    from spandrel import MAIN_REGISTRY

    return MAIN_REGISTRY.architectures("detection")
