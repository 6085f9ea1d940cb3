"""What comes back from the engine: finished images and progress events.

Only plain data lives here (numpy arrays, strings, numbers), so results can cross from the
worker thread to the GUI thread safely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from studio.domain.jobs import ImageJobRequest, JobKind


@dataclass(frozen=True, eq=False)
class GeneratedImage:
    """One finished image and the exact recipe that made it.

    Parameters
    ----------
    request
        The request with ``seed`` set to the seed this image actually used and
        ``batch_count`` as the user asked.
    pixels
        ``(H, W, 4)`` RGBA or ``(H, W, 3)`` RGB ``uint8`` array.
    index
        Position in the batch (0 for the first image).
    model_name
        Display name of the model that made it (written into the ``Model:`` field).
    model_hash
        Short hash of the model file (A1111's ``Model hash:`` field), empty when unknown.
    kind
        The request's :class:`~studio.domain.job_kind.JobKind` (``"tile"`` for a result made
        seamless); decides how history shows the entry.
    extra
        Backend-specific facts worth keeping in the recipe (style weights, warnings...).
    """

    request: ImageJobRequest
    pixels: np.ndarray
    index: int = 0
    model_name: str = ""
    model_hash: str = ""
    elapsed_s: float = 0.0
    kind: str = JobKind.GENERATE
    warnings: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])

    @property
    def has_alpha(self) -> bool:
        return self.pixels.ndim == 3 and self.pixels.shape[2] == 4


@dataclass(frozen=True, eq=False)
class ProgressUpdate:
    """Progress of the running job.

    Parameters
    ----------
    step, total
        Steps done and steps in the whole job (a batch of 3 at 20 steps has ``total == 60``).
    preview
        Optional ``(h, w, 3)`` ``uint8`` RGB preview of the image being made.
    message
        Short phase text such as ``"Loading model"``; empty while sampling.
    """

    step: int
    total: int
    preview: np.ndarray | None = None
    message: str = ""

    @property
    def fraction(self) -> float:
        return 0.0 if self.total <= 0 else min(1.0, self.step / self.total)
