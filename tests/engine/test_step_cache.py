"""Step caching (DeepCache's idea): the shallow branch is exact, and images stay close."""

from __future__ import annotations

import numpy as np
import pytest

from studio.domain.errors import InvalidRequestError
from studio.domain.requests import GenerationRequest
from studio.engine.sd.step_cache import step_cache
from tests.engine.helpers import run_all


def _unet_inputs(family: str):
    import torch

    from studio.bench.tiny_models import SDXL_TEXT2_HIDDEN, TEXT_HIDDEN, tiny_components

    unet = tiny_components(family)["unet"]
    generator = torch.Generator().manual_seed(0)
    sample = torch.randn(2, 4, 8, 8, generator=generator)
    width = TEXT_HIDDEN if family == "sd1" else TEXT_HIDDEN + SDXL_TEXT2_HIDDEN
    kwargs = {"encoder_hidden_states": torch.randn(2, 77, width, generator=generator)}
    if family == "sdxl":
        kwargs["added_cond_kwargs"] = {
            "text_embeds": torch.randn(2, SDXL_TEXT2_HIDDEN, generator=generator),
            "time_ids": torch.tensor([[64.0, 64, 0, 0, 64, 64]] * 2),
        }
    return unet, sample, kwargs


@pytest.mark.parametrize("family", ["sd1", "sdxl"])
def test_shallow_call_on_the_same_input_equals_the_full_call(family: str) -> None:
    import torch

    unet, sample, kwargs = _unet_inputs(family)
    with torch.inference_mode(), step_cache(unet, 2) as stats:
        full = unet(sample, 10, **kwargs, return_dict=False)[0]
        shallow = unet(sample, 10, **kwargs).sample  # reuses the deep features just made
    assert (stats.full, stats.shallow) == (1, 1)
    torch.testing.assert_close(shallow, full, rtol=1e-4, atol=1e-5)
    assert "forward" not in vars(unet)  # the class's forward again after the block


def test_interval_counts_full_and_shallow_calls_and_one_turns_it_off() -> None:
    import torch

    unet, sample, kwargs = _unet_inputs("sd1")
    with torch.inference_mode():
        with step_cache(unet, 3) as stats:
            for step in range(7):
                unet(sample, 999 - step * 100, **kwargs)
        assert (stats.full, stats.shallow) == (3, 4)  # calls 0, 3, 6 in full
        with step_cache(unet, 1) as off:
            unet(sample, 10, **kwargs)
        assert (off.full, off.shallow) == (0, 0) and "forward" not in vars(unet)


def test_step_cache_request_is_close_to_the_full_image_and_faster_per_call(sd1_backend) -> None:
    base = {"prompt": "a small house", "width": 64, "height": 64, "steps": 8, "seed": 3}
    (full,) = run_all(sd1_backend, GenerationRequest(**base))
    (cached,) = run_all(sd1_backend, GenerationRequest(**base, step_cache=3))
    (again,) = run_all(sd1_backend, GenerationRequest(**base, step_cache=1))
    difference = np.abs(full.pixels.astype(int) - cached.pixels.astype(int))
    assert difference.max() > 0  # the cache did change the work done...
    assert difference.mean() < 0.1 * 255  # ...yet the image stays close to the full one
    assert np.array_equal(again.pixels, full.pixels)  # 1 is off
    assert cached.request.step_cache == 3


@pytest.mark.parametrize("interval", [-1, 11])
def test_step_cache_out_of_range_is_one_clear_line(interval: int) -> None:
    with pytest.raises(InvalidRequestError, match=r"Step cache .* use 0 \(off\) to 10"):
        GenerationRequest(prompt="x", step_cache=interval)
