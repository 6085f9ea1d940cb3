"""Generating with a loaded tiny SD backend: seeds, batches, img2img, progress, cancel."""

from __future__ import annotations

import io
import threading

import numpy as np
import pytest
from PIL import Image

from studio.domain.errors import ImageReadError, InvalidRequestError, JobCancelled
from studio.domain.samplers import SAMPLER_NAMES

from .helpers import run_all, tiny_request


def png_bytes(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def test_same_seed_same_pixels_other_seed_differs(sd1_backend) -> None:
    (first,) = run_all(sd1_backend, tiny_request(seed=11))
    (again,) = run_all(sd1_backend, tiny_request(seed=11))
    (other,) = run_all(sd1_backend, tiny_request(seed=12))
    assert first.pixels.shape == (64, 64, 3) and first.pixels.dtype == np.uint8
    assert np.array_equal(first.pixels, again.pixels)
    assert not np.array_equal(first.pixels, other.pixels)


def test_result_records_recipe(sd1_backend) -> None:
    (image,) = run_all(sd1_backend, tiny_request(seed=3))
    assert image.request.seed == 3 and image.index == 0
    assert image.model_name == "tiny-sd1" and image.model_hash == ""  # folders have no hash
    assert image.kind == "generate" and image.elapsed_s > 0 and image.warnings == ()


def test_batch_yields_consecutive_seeds_matching_single_runs(sd1_backend) -> None:
    images = run_all(sd1_backend, tiny_request(seed=20, batch_count=3))
    assert [(i.index, i.request.seed, i.request.batch_count) for i in images] == [
        (0, 20, 3),
        (1, 21, 3),
        (2, 22, 3),
    ]
    (single,) = run_all(sd1_backend, tiny_request(seed=21))
    assert np.array_equal(images[1].pixels, single.pixels)


def test_batch_yields_each_image_before_the_next_is_made(sd1_backend) -> None:
    events: list = []
    seen_at: list[int] = []
    generator = sd1_backend.generate(
        tiny_request(batch_count=2, steps=2), events.append, threading.Event()
    )
    for _image in generator:
        seen_at.append(events[-1].step)
    assert seen_at == [2, 4]  # the first image arrived before the second one's steps ran


def test_progress_counts_to_total_with_previews(sd1_backend) -> None:
    events: list = []
    run_all(sd1_backend, tiny_request(steps=4, batch_count=2), events)
    steps = [e.step for e in events]
    assert steps == sorted(steps) and steps[-1] == 8
    assert {e.total for e in events} == {8}
    previews = [e.preview for e in events if e.preview is not None]
    assert len(previews) == 8
    assert all(p.shape == (8, 8, 3) and p.dtype == np.uint8 for p in previews)


def test_second_order_sampler_progress_still_ends_at_total(sd1_backend) -> None:
    events: list = []
    run_all(sd1_backend, tiny_request(steps=3, sampler="Heun"), events)
    assert events[-1].step == events[-1].total == 3


@pytest.mark.parametrize("sampler", SAMPLER_NAMES)
def test_every_sampler_generates(sd1_backend, sampler: str) -> None:
    (image,) = run_all(sd1_backend, tiny_request(sampler=sampler, steps=2))
    assert image.pixels.shape == (64, 64, 3) and image.request.sampler == sampler


def test_img2img_changes_with_strength(sd1_backend) -> None:
    (source,) = run_all(sd1_backend, tiny_request(seed=1))
    init = png_bytes(source.pixels)
    events: list = []
    (light,) = run_all(
        sd1_backend, tiny_request(seed=2, steps=10, init_image=init, strength=0.3), events
    )
    (heavy,) = run_all(sd1_backend, tiny_request(seed=2, steps=10, init_image=init, strength=0.9))
    assert events[-1].step == events[-1].total == 3  # 30% of 10 steps
    assert light.pixels.shape == (64, 64, 3)
    assert not np.array_equal(light.pixels, heavy.pixels)
    (again,) = run_all(sd1_backend, tiny_request(seed=2, steps=10, init_image=init, strength=0.3))
    assert np.array_equal(light.pixels, again.pixels)


def test_img2img_resizes_the_source_to_the_request(sd1_backend) -> None:
    init = png_bytes(np.full((40, 100, 4), 200, np.uint8))  # RGBA, other size
    (image,) = run_all(
        sd1_backend, tiny_request(init_image=init, strength=0.6, width=64, height=96)
    )
    assert image.pixels.shape == (96, 64, 3)


def test_img2img_rejects_unreadable_sources_and_no_op_strength(sd1_backend) -> None:
    with pytest.raises(ImageReadError):
        run_all(sd1_backend, tiny_request(init_image=b"\x89PNG\r\n\x1a\nbroken", strength=0.5))
    with pytest.raises(InvalidRequestError, match="raise strength"):
        run_all(
            sd1_backend,
            tiny_request(init_image=png_bytes(np.zeros((8, 8, 3), np.uint8)), strength=0.01),
        )


def test_cancel_stops_within_one_step_and_next_job_runs(sd1_backend) -> None:
    cancel = threading.Event()
    events: list = []

    def on_progress(update) -> None:
        events.append(update)
        if update.preview is not None and update.step == 2:
            cancel.set()

    produced = []
    with pytest.raises(JobCancelled):
        for image in sd1_backend.generate(
            tiny_request(steps=20, batch_count=3), on_progress, cancel
        ):
            produced.append(image)
    assert produced == []  # no image of a cancelled run
    assert max(e.step for e in events) == 2  # nothing sampled after the step that saw cancel
    (image,) = run_all(sd1_backend, tiny_request(steps=2))
    assert image.pixels.shape == (64, 64, 3)


def test_cancel_between_images_yields_only_finished_ones(sd1_backend) -> None:
    cancel = threading.Event()
    produced = []
    with pytest.raises(JobCancelled):
        for image in sd1_backend.generate(
            tiny_request(steps=2, batch_count=3), lambda _u: None, cancel
        ):
            produced.append(image)
            cancel.set()
    assert len(produced) == 1


@pytest.mark.parametrize(
    ("prompt", "chunks"),
    [
        ("", 1),
        ("😀" * 200, 3),  # one token per emoji
        ("مرحبا بالعالم", 1),
        ("a\x00b", 1),
        ("lone \ud800 surrogate", 1),
        (", ".join(["word"] * 120), 4),  # 239 tokens
    ],
)
def test_odd_and_long_prompts_generate(sd1_backend, prompt: str, chunks: int) -> None:
    (image,) = run_all(sd1_backend, tiny_request(prompt=prompt, negative_prompt=prompt, steps=1))
    assert image.pixels.shape == (64, 64, 3)
    assert image.extra["prompt_chunks"] == chunks
