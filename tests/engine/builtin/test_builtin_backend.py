"""The built-in backend: seeds, progress, cancel, sizes, warnings and real transparency."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

from studio.domain.errors import InvalidRequestError, JobCancelled
from studio.domain.requests import GenerationRequest
from tests.engine.builtin.conftest import FAMILIES


def _request(**kwargs) -> GenerationRequest:
    values = {"prompt": "a red heart icon", "width": 32, "height": 32, "seed": 11, "steps": 4}
    return GenerationRequest(**{**values, **kwargs})


def _run(backend, request, cancel=None, on_progress=None):
    updates = []

    def record(update):
        updates.append(update)
        if on_progress is not None:
            on_progress(update)

    images = list(backend.generate(request, record, cancel or threading.Event()))
    return images, updates


@pytest.mark.parametrize("family", FAMILIES)
def test_batch_uses_consecutive_seeds_and_is_reproducible(family, builtin_backend_for) -> None:
    backend = builtin_backend_for(family)
    images, _ = _run(backend, _request(batch_count=2))
    again, _ = _run(backend, _request(seed=12))
    assert [image.request.seed for image in images] == [11, 12]
    assert np.array_equal(images[1].pixels, again[0].pixels)
    assert images[0].pixels.shape == (32, 32, 4) and images[0].pixels.dtype == np.uint8
    assert images[0].extra["family"] == family and images[0].extra["upscale"] == 2
    assert images[0].model_hash == "test"


@pytest.mark.parametrize("family", FAMILIES)
def test_progress_counts_every_step_of_the_batch(family, builtin_backend_for) -> None:
    backend = builtin_backend_for(family)
    _, updates = _run(backend, _request(batch_count=2))
    steps = [u.step for u in updates if not u.message]
    total = updates[-1].total
    assert total == 2 * backend.sampler.network.count_steps(backend_settings(backend, _request()))
    assert steps == sorted(steps) and steps[-1] == total
    previews = [u.preview for u in updates if u.preview is not None]
    assert previews and previews[0].shape == (32, 32, 3) and previews[0].dtype == np.uint8


def backend_settings(backend, request):
    from studio.engine.builtin.generation import SampleSettings

    return SampleSettings(request.steps, request.cfg_scale, request.sampler)


@pytest.mark.parametrize("family", FAMILIES)
def test_cancel_stops_within_one_step(family, builtin_backend_for) -> None:
    backend = builtin_backend_for(family)
    cancel = threading.Event()
    seen = []

    def cancel_after_first_step(update):
        if update.step >= 1:
            seen.append(update.step)
            cancel.set()

    with pytest.raises(JobCancelled):
        _run(backend, _request(batch_count=3), cancel, cancel_after_first_step)
    assert seen == [1]


def test_a_cancel_before_start_makes_nothing(builtin_backend_for) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(JobCancelled):
        _run(builtin_backend_for("gan"), _request(), cancel)


@pytest.mark.parametrize("size", [16, 48, 64])
def test_whole_multiples_of_the_native_size_are_upscaled(size, builtin_backend_for) -> None:
    images, _ = _run(builtin_backend_for("vae"), _request(width=size, height=size))
    pixels = images[0].pixels
    assert pixels.shape == (size, size, 4)
    factor = size // 16
    assert np.array_equal(pixels[::factor, ::factor].repeat(factor, 0).repeat(factor, 1), pixels)


@pytest.mark.parametrize(("width", "height"), [(40, 40), (32, 64), (2048, 2048)])
def test_other_sizes_are_refused_with_the_supported_ones(width, height, builtin_backend_for):
    with pytest.raises(InvalidRequestError, match="16, 32, 64"):
        _run(builtin_backend_for("vae"), _request(width=width, height=height))


def test_image_to_image_is_refused(builtin_backend_for) -> None:
    with pytest.raises(InvalidRequestError, match="text only"):
        _run(builtin_backend_for("gan"), _request(init_image=b"png"))


def test_long_prompts_warn_that_words_were_dropped(builtin_backend_for) -> None:
    long_prompt = " ".join(["shiny golden treasure chest with gems"] * 10)
    images, _ = _run(builtin_backend_for("gan"), _request(prompt=long_prompt))
    assert any("ignored" in warning for warning in images[0].warnings)
    short, _ = _run(builtin_backend_for("gan"), _request())
    assert short[0].warnings == ()


def test_odd_prompts_raise_nothing(builtin_backend_for) -> None:
    backend = builtin_backend_for("vae")
    for prompt in ["", "🐉" * 200, "שלום", "a\x00b", "\ud800 lone"]:
        images, _ = _run(backend, _request(prompt=prompt))
        assert images[0].pixels.shape == (32, 32, 4)


def test_negative_prompt_changes_a_guided_sample(builtin_backend_for) -> None:
    backend = builtin_backend_for("diffusion")
    plain, _ = _run(backend, _request())
    negative, _ = _run(backend, _request(negative_prompt="blue square"))
    assert not np.array_equal(plain[0].pixels, negative[0].pixels)


def test_output_is_straight_rgba_with_clean_transparency(builtin_backend_for) -> None:
    backend = builtin_backend_for("gan")
    out_conv = backend.sampler.network.generator.conv_out
    with torch.no_grad():
        out_conv.weight.zero_()
        out_conv.bias.copy_(torch.tensor([3.0, 3.0, 3.0, -6.0]))  # bright colour, no alpha
    images, _ = _run(backend, _request())
    assert (images[0].pixels[..., 3] == 0).all()
    assert (images[0].pixels[..., :3] == 0).all()


def test_unloaded_backend_refuses_to_generate(builtin_backend_for) -> None:
    backend = builtin_backend_for("vae")
    backend.unload()
    with pytest.raises(InvalidRequestError, match="unloaded"):
        _run(backend, _request())


def test_loader_builds_a_backend_from_a_discovered_folder(builtin_model_dirs) -> None:
    from studio.engine.builtin import discover_builtin_models
    from studio.engine.builtin.loader import load_builtin_backend

    infos = discover_builtin_models(builtin_model_dirs["ar"].parent)
    info = next(i for i in infos if i.id == "tiny-ar")
    backend = load_builtin_backend(info, "cpu")
    try:
        images, _ = _run(backend, _request())
        assert len(backend.model_hash) == 10
        assert images[0].model_name == info.name
    finally:
        backend.unload()


def test_a_prompt_is_encoded_once_while_it_is_rerun(builtin_backend_for) -> None:
    backend = builtin_backend_for("vae")
    sampler = backend.sampler
    calls: list[tuple[str, str]] = []
    encode = sampler.condition

    def counting(prompt: str, negative: str):
        calls.append((prompt, negative))
        return encode(prompt, negative)

    sampler.condition = counting
    first, _ = _run(backend, _request(seed=1))
    again, _ = _run(backend, _request(seed=1))
    _run(backend, _request(seed=2, negative_prompt="blurry"))
    _run(backend, _request(seed=3))
    assert calls == [("a red heart icon", ""), ("a red heart icon", "blurry")]
    assert np.array_equal(first[0].pixels, again[0].pixels)  # the cache changes no pixel


def test_a_bank_model_reads_the_caption_of_the_icon_it_drew_on(builtin_backend_for) -> None:
    backend = builtin_backend_for("vae")
    prompt = "game icon of a crimson sword, pixel art"
    (image,), _ = _run(backend, _request(prompt=prompt, seed=1))
    concept = image.extra["Drew on"].split(" (")[0]
    assert image.extra["Read as"] == f"red {concept}, pixel art"  # trained form and words
    assert image.request.prompt == prompt  # the recipe keeps what the artist wrote
