"""Hires fix in recipes: A1111's keys written, and read back into the same request."""

from __future__ import annotations

import numpy as np
import pytest

from studio.domain.requests import GenerationRequest
from studio.imaging.a1111 import a1111_parameters, parse_a1111_parameters
from studio.imaging.png import encode_png
from studio.imaging.recipe import read_recipe


def _read_back(request: GenerationRequest) -> GenerationRequest:
    text = a1111_parameters(request)
    back = read_recipe(encode_png(np.zeros((8, 8, 3), np.uint8), {"parameters": text})).request
    assert back is not None
    return back


def test_a1111_text_has_a1111s_hires_keys() -> None:
    request = GenerationRequest(
        "a keep", seed=5, strength=0.5, hires_scale=2, hires_steps=10, hires_upscaler="latent"
    )
    text = a1111_parameters(request)
    assert "Denoising strength: 0.5, Hires upscale: 2, Hires steps: 10, Hires upscaler: Latent" in (
        text
    )
    assert "Size: 512x512" in text  # the first pass's size, as A1111 writes it


def test_no_hires_keys_without_hires_fix() -> None:
    params = parse_a1111_parameters(a1111_parameters(GenerationRequest("p", seed=1)))["params"]
    assert not [key for key in params if key.startswith("Hires") or key.startswith("Denois")]


@pytest.mark.parametrize(
    "hires",
    [
        {"hires_scale": 2.0, "hires_steps": 10, "hires_upscaler": "latent (bicubic)"},
        {"hires_scale": 1.5, "hires_upscaler": "lanczos"},
        {"hires_width": 768, "hires_height": 640, "hires_upscaler": "4x-UltraSharp"},
    ],
)
def test_a_hires_recipe_reads_back_as_the_same_request(hires: dict) -> None:
    request = GenerationRequest(
        "a keep", seed=5, steps=20, sampler="Euler a", strength=0.45, **hires
    )
    assert _read_back(request) == request


def test_hires_resize_is_written_instead_of_the_scale() -> None:
    request = GenerationRequest("p", seed=1, hires_width=768, hires_height=640)
    params = parse_a1111_parameters(a1111_parameters(request))["params"]
    assert params["Hires resize"] == "768x640" and "Hires upscale" not in params


@pytest.mark.parametrize("size", ["0x1024", "1024x0"])
def test_an_a1111_resize_with_a_zero_side_is_dropped_with_a_note(size: str) -> None:
    text = f"p\nSteps: 20, Seed: 1, Size: 512x512, Hires resize: {size}, Hires upscale: 2"
    recipe = read_recipe(encode_png(np.zeros((8, 8, 3), np.uint8), {"parameters": text}))
    assert recipe.request is not None and not recipe.request.hires_width
    assert any("Hires resize" in note for note in recipe.notes)
