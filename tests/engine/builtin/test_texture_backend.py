"""Texture prompts through the built-in backend: every family answers with an opaque tile."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from studio.domain.models import builtin_family_controls
from studio.domain.requests import GenerationRequest
from tests.engine.builtin.conftest import FAMILIES
from tests.engine.builtin.test_texture import seam_and_interior


def _request(**kwargs) -> GenerationRequest:
    values = {"prompt": "grass ground texture", "width": 32, "height": 32, "seed": 11, "steps": 4}
    return GenerationRequest(**{**values, **kwargs})


def _run(backend, request):
    return list(backend.generate(request, lambda update: None, threading.Event()))


@pytest.mark.parametrize("family", FAMILIES)
def test_a_texture_prompt_gives_an_opaque_tile_on_every_family(family, builtin_backend_for):
    backend = builtin_backend_for(family)
    (image,) = _run(backend, _request())
    assert image.pixels.shape == (32, 32, 4)
    assert (image.pixels[..., 3] == 255).all()
    assert image.extra["family"] == "texture" and image.extra["texture"] == "grass"
    assert image.extra["model_family"] == family and image.extra["upscale"] == 2
    # the recipe says the texture read none of the sampling settings
    assert builtin_family_controls(image.extra["family"]) == ()


def test_the_texture_is_the_prompts_not_the_networks(builtin_backend_for):
    # the network is not asked: two families of one native size give the same tile
    vae, diffusion = builtin_backend_for("vae"), builtin_backend_for("diffusion")
    (a,) = _run(vae, _request(prompt="red brick wall"))
    (b,) = _run(diffusion, _request(prompt="red brick wall"))
    assert np.array_equal(a.pixels, b.pixels)


def test_a_texture_wraps_at_native_size_and_seeds_differ(builtin_backend_for):
    backend = builtin_backend_for("vae")
    native = backend.sample_size
    images = _run(
        backend, _request(prompt="stone floor", width=native, height=native, batch_count=2)
    )
    assert not np.array_equal(images[0].pixels, images[1].pixels)
    for image in images:
        for axis in (0, 1):
            seam, interior = seam_and_interior(image.pixels, axis)
            assert seam <= interior.max()


def test_a_texture_counts_one_step_per_image(builtin_backend_for):
    backend = builtin_backend_for("diffusion")
    assert backend.count_steps(_request(steps=20)) == 1
    assert backend.count_steps(_request(prompt="a red heart icon", steps=20)) > 1


@pytest.mark.parametrize("family", ["vae", "diffusion"])
def test_a_sprite_prompt_still_goes_to_the_model(family, builtin_backend_for):
    backend = builtin_backend_for(family)
    (sprite,) = _run(backend, _request(prompt="a red heart icon"))
    (tiled,) = _run(backend, _request(prompt="a red heart icon", tile_x=True))
    assert sprite.extra["family"] == tiled.extra["family"] == family
    assert "texture" not in sprite.extra


def test_the_tile_switch_turns_a_material_into_a_texture_and_back(builtin_backend_for):
    # one prompt, with and without the switch: the prompt cache must not hand the model's
    # encoding to the texture, nor the texture's reading to the model
    backend = builtin_backend_for("vae")
    (texture,) = _run(backend, _request(prompt="mossy stone", tile_x=True))
    (sprite,) = _run(backend, _request(prompt="mossy stone"))
    (again,) = _run(backend, _request(prompt="mossy stone", tile_x=True))
    assert texture.extra["family"] == again.extra["family"] == "texture"
    assert sprite.extra["family"] == "vae"
    assert np.array_equal(texture.pixels, again.pixels)
