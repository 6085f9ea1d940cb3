"""The contract every generation backend keeps (diffusers pipelines and the built-in models).

The engine service keeps one backend loaded ("warm") at a time and hands it requests; switching
models calls :meth:`GenerationBackend.unload` on the old one first so its memory is released.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Protocol

from studio.domain.engine_protocol import ProgressCallback
from studio.domain.models import ModelInfo
from studio.domain.requests import GenerationRequest
from studio.domain.results import GeneratedImage


class GenerationBackend(Protocol):
    """A loaded model that turns :class:`GenerationRequest` objects into images.

    ``generate`` receives a *resolved* request (its seed is set), makes
    ``request.batch_count`` images with seeds ``request.seed_for(i)``, yields each as soon as
    it is decoded, reports progress through ``on_progress`` with ``total`` counting the steps
    of the whole batch, and raises :class:`studio.domain.errors.JobCancelled` within one step
    of ``cancel`` being set.
    """

    model: ModelInfo

    def generate(
        self,
        request: GenerationRequest,
        on_progress: ProgressCallback,
        cancel: threading.Event,
    ) -> Iterator[GeneratedImage]: ...

    def unload(self) -> None: ...
