"""Built-in jobs run on the policy's threads, and the thread count never changes a pixel."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

from studio.domain.requests import GenerationRequest
from studio.engine import thread_policy
from studio.engine.builtin.ar import ARConfig
from studio.engine.builtin.diffusion import DiffusionConfig
from studio.engine.builtin.work_size import step_elements, text_elements

TORCH_FAMILIES = ("ar", "diffusion")


def _pixels(backend, fixed: int) -> tuple[list[np.ndarray], list[int], list]:
    request = GenerationRequest("a red potion", width=16, height=16, seed=5, steps=3, batch_count=2)
    with thread_policy.watching_threads(fixed) as watch:
        images = list(backend.generate(request, lambda _update: None, threading.Event()))
    return [image.pixels for image in images], watch.chosen, images


@pytest.mark.parametrize("family", TORCH_FAMILIES)
def test_one_or_two_threads_draw_the_same_pixels(family: str, builtin_backend_for) -> None:
    backend = builtin_backend_for(family)
    one, one_threads, _ = _pixels(backend, 1)
    two, two_threads, images = _pixels(backend, 2)
    # The prompt (cached after the first run) and each image ran on the fixed count.
    assert set(one_threads) == {1} and set(two_threads) == {2} and len(two_threads) >= 2
    assert all(np.array_equal(a, b) for a, b in zip(one, two, strict=True))
    # The thread count is not part of the image: the recipe does not name it.
    assert all("thread" not in repr(image.extra).lower() for image in images)
    assert all("thread" not in repr(image.request).lower() for image in images)


def test_a_busy_machine_runs_the_job_on_its_idle_core_and_restores_the_count(
    builtin_backend_for, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = builtin_backend_for("diffusion")
    monkeypatch.setattr(thread_policy, "idle_cores", lambda: 1)
    torch.set_num_threads(2)  # the conftest fixture restores the count it found
    with thread_policy.watching_threads() as watch:
        request = GenerationRequest("a sword", width=16, height=16, seed=1, steps=2)
        list(backend.generate(request, lambda _update: None, threading.Event()))
    assert watch.chosen and set(watch.chosen) == {1}
    assert torch.get_num_threads() == 2


def test_the_shipped_families_step_sizes() -> None:
    # The shipped diffusion UNet works on a 16x16 patch grid of 64 channels: two threads pay
    # on an idle 2-core machine; the AR transformer decodes one token a step: one thread.
    diffusion = DiffusionConfig(sample_size=32, patch_size=2, channels=(64, 128, 192))
    assert step_elements("diffusion", diffusion) == 2 * 64 * 16 * 16
    assert thread_policy.choose_threads(2, 2, step_elements("diffusion", diffusion)) == 2
    ar = step_elements("ar", ARConfig(d_model=192))
    assert ar == 2 * 192 * 4 and thread_policy.choose_threads(2, 2, ar) == 1
    assert thread_policy.choose_threads(2, 2, text_elements()) == 1
    assert step_elements("unknown", diffusion) is None
