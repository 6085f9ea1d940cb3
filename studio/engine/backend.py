"""The one batch loop every generation backend runs, and what a backend supplies to it.

A backend (diffusers pipelines, the built-in models) says how many steps one image of a
request takes, prepares what every image of the request shares (encoded prompts, init images,
inpaint plans) and makes one image. :meth:`GenerationBackend.generate` does the rest, the same
way for every backend: it resolves the request once (its seed is fixed), gives image ``i``
seed ``seed + i`` through ``request.seed_for(i)``, numbers progress over the whole batch,
stops between images and, through :class:`ImageSteps`, between steps when ``cancel`` is set,
and times each image.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from studio.domain.engine_protocol import ProgressCallback
from studio.domain.errors import JobCancelled
from studio.domain.models import ModelInfo
from studio.domain.requests import GenerationRequest
from studio.domain.results import GeneratedImage, ProgressUpdate


def raise_if_cancelled(cancel: threading.Event) -> None:
    """Raise :class:`JobCancelled` if ``cancel`` is set."""
    if cancel.is_set():
        raise JobCancelled()


@dataclass(frozen=True)
class BatchProgress:
    """Progress of one batch: ``per_image`` steps for each of the request's images."""

    per_image: int
    total: int
    on_progress: ProgressCallback
    cancel: threading.Event

    def announce(self, message: str) -> None:
        """Say what the batch is doing before its first step (``step`` 0)."""
        self.on_progress(ProgressUpdate(0, self.total, message=message))

    def image(self, index: int) -> ImageSteps:
        """The step reporter of image ``index``."""
        return ImageSteps(index, self)


@dataclass(frozen=True, eq=False)
class ImageSteps:
    """Reports the steps of image ``index`` on the batch's scale and checks for cancel."""

    index: int
    batch: BatchProgress

    @property
    def cancelled(self) -> bool:
        """Whether the user asked to stop."""
        return self.batch.cancel.is_set()

    def check(self) -> None:
        """Raise :class:`JobCancelled` if the user asked to stop."""
        raise_if_cancelled(self.batch.cancel)

    def report(self, done: int, preview: Any = None) -> None:
        """``done`` steps of this image are finished (``preview``: the image so far)."""
        batch = self.batch
        step = self.index * batch.per_image + done
        batch.on_progress(ProgressUpdate(step=step, total=batch.total, preview=preview))


# Makes image ``index`` of the prepared request, reporting its steps.
MakeImage = Callable[[int, ImageSteps], GeneratedImage]


class GenerationBackend(ABC):
    """A loaded model that turns :class:`GenerationRequest` objects into images.

    Subclasses supply :meth:`count_steps`, :meth:`prepare` and :meth:`unload`; the batch loop
    is :meth:`generate`. The engine service keeps backends in its residency cache and calls
    :meth:`unload` when it lets one go.
    """

    model: ModelInfo

    @abstractmethod
    def count_steps(self, request: GenerationRequest) -> int:
        """Check ``request`` fits this model and count the steps one of its images takes.

        Raises
        ------
        InvalidRequestError
            With what to change, if this model cannot make the request.
        """

    @abstractmethod
    def prepare(self, request: GenerationRequest, batch: BatchProgress) -> MakeImage:
        """Do what every image of ``request`` shares and return the maker of one image."""

    @abstractmethod
    def unload(self) -> None:
        """Release the weights and hand their memory back."""

    def generate(
        self,
        request: GenerationRequest,
        on_progress: ProgressCallback,
        cancel: threading.Event,
    ) -> Iterator[GeneratedImage]:
        """Make ``request.batch_count`` images, yielding each as soon as it exists.

        Image ``i`` gets seed ``request.seed_for(i)``; progress counts the steps of the whole
        batch.

        Raises
        ------
        InvalidRequestError
            If the model cannot make the request (before any work).
        JobCancelled
            Within one step of ``cancel`` being set; no image of that run is yielded after.
        """
        request = request.resolved()
        per_image = self.count_steps(request)
        batch = BatchProgress(per_image, per_image * request.batch_count, on_progress, cancel)
        raise_if_cancelled(cancel)
        make_image = self.prepare(request, batch)
        for index in range(request.batch_count):
            raise_if_cancelled(cancel)
            started = time.perf_counter()
            image = make_image(index, batch.image(index))
            yield replace(image, elapsed_s=time.perf_counter() - started)
