"""Canvas edits on the built-in families: variations, diffusion inpainting, tiling."""

from __future__ import annotations

import io
import threading

import numpy as np
import pytest
import torch
from PIL import Image

from studio.domain.errors import InvalidRequestError
from studio.domain.requests import GenerationRequest
from tests.engine.builtin.conftest import FAMILIES


def _request(**kwargs) -> GenerationRequest:
    values = {"prompt": "a red heart icon", "width": 32, "height": 32, "seed": 11, "steps": 4}
    return GenerationRequest(**{**values, **kwargs})


def _run(backend, request, on_progress=None):
    return list(backend.generate(request, on_progress or (lambda _u: None), threading.Event()))


def _png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("family", ["vae", "gan", "diffusion"])
def test_variation_endpoints_are_the_two_seeds_images(family, builtin_backend_for) -> None:
    backend = builtin_backend_for(family)
    (parent,) = _run(backend, _request(seed=3))
    (sub,) = _run(backend, _request(seed=8))
    (zero,) = _run(backend, _request(seed=3, variation_seed=8))
    (one,) = _run(backend, _request(seed=3, variation_seed=8, variation_strength=1.0))
    (half,) = _run(backend, _request(seed=3, variation_seed=8, variation_strength=0.5))
    assert np.array_equal(zero.pixels, parent.pixels)
    assert not np.array_equal(half.pixels, parent.pixels)
    assert half.request.variation_seed == 8 and half.request.variation_strength == 0.5
    if "Drew on" in parent.extra:
        # A retrieval model's variation keeps the icon the parent drew on (its shape) and
        # moves only the latent: the far end is seed 8's latent on seed 3's reference.
        assert one.extra["Drew on"] == half.extra["Drew on"] == parent.extra["Drew on"]
        assert not np.array_equal(one.pixels, parent.pixels)
    else:
        assert np.array_equal(one.pixels, sub.pixels)


def test_the_autoregressive_family_refuses_variations(builtin_backend_for) -> None:
    with pytest.raises(InvalidRequestError, match="tokens one at a time"):
        _run(builtin_backend_for("ar"), _request(variation_seed=1, variation_strength=0.3))


def _sprite_and_mask() -> tuple[np.ndarray, np.ndarray]:
    sprite = np.zeros((32, 32, 4), dtype=np.uint8)
    sprite[4:28, 4:28] = (200, 40, 40, 255)
    sprite[10:22, 10:22] = (40, 200, 40, 255)
    mask = np.zeros((32, 32), dtype=np.uint8)
    mask[8:24, 8:24] = 255
    return sprite, mask


def test_builtin_diffusion_inpaints_only_the_masked_pixels(builtin_backend_for) -> None:
    sprite, mask = _sprite_and_mask()
    request = _request(init_image=_png(sprite), mask_image=_png(mask), mask_blur=0)
    (image,) = _run(builtin_backend_for("diffusion"), request)
    outside = mask == 0
    assert image.pixels.shape == sprite.shape
    assert np.array_equal(image.pixels[outside], sprite[outside])
    assert not np.array_equal(image.pixels[~outside], sprite[~outside])


@pytest.mark.parametrize("family", ["vae", "gan", "ar"])
def test_one_pass_families_say_they_cannot_inpaint(family, builtin_backend_for) -> None:
    sprite, mask = _sprite_and_mask()
    request = _request(init_image=_png(sprite), mask_image=_png(mask))
    with pytest.raises(InvalidRequestError, match="cannot keep part of an image"):
        _run(builtin_backend_for(family), request)


@pytest.mark.parametrize("family", FAMILIES)
def test_every_conv_wraps_during_a_tiled_job_and_none_after(family, builtin_backend_for) -> None:
    backend = builtin_backend_for(family)
    convs = [
        m
        for m in backend.sampler.network.modules()
        if isinstance(m, torch.nn.Conv2d | torch.nn.ConvTranspose2d)
        and any(int(p) > 0 for p in m.padding)
    ]
    assert convs
    during: list[bool] = []

    def check(update) -> None:
        if not update.message:
            during.append(all(c.padding_mode == "circular" for c in convs))

    (image,) = _run(backend, _request(tile_x=True, tile_y=True), check)
    assert during and all(during)
    assert all(c.padding_mode == "zeros" for c in convs)
    assert image.request.tile_x and image.request.tile_y
