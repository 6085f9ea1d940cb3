"""GenerationBackend.generate: the one batch loop (seeds, step numbering, cancel, timing)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from studio.domain.errors import JobCancelled
from studio.domain.models import ModelFamily, ModelFormat, ModelInfo, ModelSource
from studio.domain.request_limits import MAX_SEED
from studio.domain.requests import GenerationRequest
from studio.domain.results import GeneratedImage
from studio.engine.backend import BatchProgress, GenerationBackend, ImageSteps, MakeImage


class _SeedBackend(GenerationBackend):
    """Makes a 1x1 image whose value is its seed, in ``steps`` steps."""

    def __init__(self) -> None:
        self.model = ModelInfo(
            id="seeds",
            name="seeds",
            family=ModelFamily.BUILTIN,
            source=ModelSource.BUILTIN,
            format=ModelFormat.BUILTIN,
        )
        self.prepared = 0

    def count_steps(self, request: GenerationRequest) -> int:
        return request.steps

    def prepare(self, request: GenerationRequest, batch: BatchProgress) -> MakeImage:
        self.prepared += 1

        def make(index: int, steps: ImageSteps) -> GeneratedImage:
            for done in range(1, request.steps + 1):
                steps.check()
                steps.report(done)
            pixels = np.full((1, 1, 3), request.seed_for(index) % 256, dtype=np.uint8)
            return GeneratedImage(request=request.for_image(index), pixels=pixels, index=index)

        return make

    def unload(self) -> None:
        pass


def _request(**overrides) -> GenerationRequest:
    return GenerationRequest(**{"prompt": "x", "steps": 3, "batch_count": 3, **overrides})


def test_one_resolve_gives_consecutive_seeds_and_whole_batch_steps() -> None:
    backend, updates = _SeedBackend(), []
    images = list(backend.generate(_request(seed=None), updates.append, threading.Event()))
    seeds = [image.request.seed for image in images]
    # One random seed drawn for the batch, then seed + i.
    assert seeds == [(seeds[0] + i) % (MAX_SEED + 1) for i in range(3)]
    assert [int(image.pixels[0, 0, 0]) for image in images] == [s % 256 for s in seeds]
    assert backend.prepared == 1  # prompts and plans are made once per batch
    assert [u.step for u in updates] == list(range(1, 10)) and {u.total for u in updates} == {9}
    assert all(image.elapsed_s >= 0.0 for image in images)


def test_cancel_stops_between_steps_and_images() -> None:
    backend, cancel = _SeedBackend(), threading.Event()
    made = []
    with pytest.raises(JobCancelled):
        for image in backend.generate(_request(seed=5), lambda _u: None, cancel):
            made.append(image)
            cancel.set()  # after the first image: the second must not start
    assert len(made) == 1

    def cancel_at_step_two(update) -> None:
        if update.step == 2:
            cancel.set()

    cancel.clear()
    with pytest.raises(JobCancelled):
        list(backend.generate(_request(seed=5), cancel_at_step_two, cancel))
