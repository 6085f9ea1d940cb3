"""A1111's hires fix on the tiny SD model: larger image, both passes counted, cancel, checks."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from studio.domain.errors import InvalidRequestError, JobCancelled
from studio.engine.sd.hires import resize_pixels

from .helpers import run_all, tiny_request


@pytest.mark.parametrize(
    "upscaler", ["latent", "latent (bicubic antialiased)", "nearest", "lanczos"]
)
def test_a_hires_image_has_the_larger_size(sd1_backend, upscaler: str) -> None:
    request = tiny_request(steps=2, hires_scale=2, hires_upscaler=upscaler, strength=0.5)
    (image,) = run_all(sd1_backend, request)
    assert image.pixels.shape == (128, 128, 3)
    assert image.request.hires_upscaler == upscaler  # the recipe says how it was made


def test_the_second_pass_repaints_the_upscaled_first_pass(sd1_backend) -> None:
    # Same seed and first pass; the strength of the second pass changes the result.
    low = run_all(sd1_backend, tiny_request(steps=2, hires_scale=2, hires_steps=4, strength=0.5))[
        0
    ].pixels
    high = run_all(sd1_backend, tiny_request(steps=2, hires_scale=2, hires_steps=4, strength=1.0))[
        0
    ].pixels
    again = run_all(sd1_backend, tiny_request(steps=2, hires_scale=2, hires_steps=4, strength=0.5))[
        0
    ].pixels
    assert np.array_equal(low, again) and not np.array_equal(low, high)


def test_an_explicit_hires_size_is_the_final_size(sd1_backend) -> None:
    request = tiny_request(steps=2, hires_width=96, hires_height=80, strength=0.5)
    (image,) = run_all(sd1_backend, request)
    assert image.pixels.shape == (80, 96, 3)


def test_progress_counts_both_passes(sd1_backend) -> None:
    events: list = []
    # 3 first-pass steps, then 4 hires steps of which strength 0.5 runs the last 2; two images.
    request = tiny_request(steps=3, hires_scale=2, hires_steps=4, strength=0.5, batch_count=2)
    run_all(sd1_backend, request, events)
    steps = [event.step for event in events]
    assert steps == sorted(steps) and steps[-1] == 10 and {e.total for e in events} == {10}
    shapes = [event.preview.shape for event in events if event.preview is not None]
    assert shapes.count((8, 8, 3)) == 6 and shapes.count((16, 16, 3)) == 4


def test_hires_steps_zero_runs_the_first_pass_count(sd1_backend) -> None:
    events: list = []
    run_all(sd1_backend, tiny_request(steps=4, hires_scale=1.5, strength=0.5), events)
    assert events[-1].step == events[-1].total == 4 + 2


def test_cancel_in_the_second_pass_stops_within_one_step(sd1_backend) -> None:
    cancel = threading.Event()
    events: list = []

    def on_progress(update) -> None:
        events.append(update)
        if update.preview is not None and update.step == 3:  # the hires pass's first step
            cancel.set()

    request = tiny_request(steps=2, hires_scale=2, hires_steps=6, strength=1.0)
    with pytest.raises(JobCancelled):
        list(sd1_backend.generate(request, on_progress, cancel))
    assert max(event.step for event in events) == 3
    (image,) = run_all(sd1_backend, tiny_request(steps=2))  # the engine stays usable
    assert image.pixels.shape == (64, 64, 3)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"width": 2048, "height": 2056, "hires_scale": 4},
            "The hires image \\(8192x8224\\) would be 67.4 megapixels.*lower the hires scale",
        ),
        ({"hires_scale": 2, "strength": 0.1}, "Denoising strength 0.1 with 3 hires steps"),
    ],
)
def test_a_hires_job_that_cannot_run_is_refused_before_the_first_step(
    sd1_backend, values: dict, message: str
) -> None:
    events: list = []
    with pytest.raises(InvalidRequestError, match=message):
        run_all(sd1_backend, tiny_request(**values), events)
    assert events == []


def test_pixel_upscalers_resize_to_the_size_asked() -> None:
    pixels = np.arange(4 * 4 * 3, dtype=np.uint8).reshape(4, 4, 3)
    nearest = resize_pixels(pixels, "nearest", (8, 12))
    assert nearest.shape == (12, 8, 3) and np.array_equal(nearest[::3, ::2], pixels)
    assert resize_pixels(pixels, "lanczos", (8, 8)).shape == (8, 8, 3)


def test_an_upscaler_model_that_is_not_there_is_one_line_before_the_first_step(
    sd1_backend,
) -> None:
    from studio.domain.errors import ModelNotFoundError

    events: list = []
    with pytest.raises(ModelNotFoundError, match="No upscaler named '4x-Nowhere'"):
        run_all(sd1_backend, tiny_request(hires_scale=2, hires_upscaler="4x-Nowhere"), events)
    assert events == []


def test_an_upscaler_model_enlarges_the_first_pass(sd1_backend, tmp_path) -> None:
    """Hires fix with an ESRGAN file: the model's 4x, then Lanczos down to the hires size."""
    from tests.engine.upscale.tiny_esrgan import save_tiny_esrgan

    model = save_tiny_esrgan(tmp_path)
    request = tiny_request(steps=2, hires_scale=2, hires_upscaler=str(model))
    (image,) = run_all(sd1_backend, request)
    assert image.pixels.shape == (128, 128, 3)


def test_a_builtin_model_refuses_hires_fix_before_any_work_in_a_batch_too() -> None:
    # A batch row reaches the engine without the faces' edit check: the engine says it too.
    from studio.engine.builtin.edit_rules import check_builtin_edits

    with pytest.raises(InvalidRequestError, match="pick a Stable Diffusion model for hires fix"):
        check_builtin_edits("diffusion", tiny_request(hires_scale=2), "Built-in diffusion")


def test_the_second_pass_reuses_the_loaded_model(sd1_backend) -> None:
    run_all(sd1_backend, tiny_request(steps=2, hires_scale=1.5, strength=0.5))
    second = sd1_backend._img2img  # built from the loaded components, not loaded again
    assert second.unet is sd1_backend.pipeline.unet and second.vae is sd1_backend.pipeline.vae
