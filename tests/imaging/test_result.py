"""A result is encoded once: the recipe JSON in the PNG is the text the history row stores."""

from __future__ import annotations

import json

import numpy as np

from studio.domain.requests import GenerationRequest
from studio.domain.results import GeneratedImage
from studio.domain.style import StyleRequest
from studio.imaging.png import encode_png, png_text_chunks
from studio.imaging.result import encode_result


def _pixels() -> np.ndarray:
    return np.random.default_rng(3).integers(0, 256, (16, 24, 3), dtype=np.uint8)


def test_generation_result_carries_its_prompt_and_the_png_recipe_text() -> None:
    request = GenerationRequest(prompt="a red fox", width=24, height=16, seed=7)
    result = encode_result(GeneratedImage(request=request, pixels=_pixels(), model_name="M"))

    assert result.kind == "generate" and result.history_text == "a red fox"
    assert png_text_chunks(result.png)["studio"] == result.recipe_json
    assert json.loads(result.recipe_json)["request"]["seed"] == 7
    assert result.thumbnail.startswith(b"\x89PNG")


def test_style_result_is_named_by_its_style_summary() -> None:
    request = StyleRequest(source=encode_png(_pixels()), presets=(2,))
    image = GeneratedImage(
        request=request, pixels=_pixels(), kind="style", extra={"style_summary": "Mosaic 100%"}
    )
    assert encode_result(image).history_text == "Mosaic 100%"
    bare = GeneratedImage(request=request, pixels=_pixels(), kind="style")
    assert encode_result(bare).history_text == "Style transfer"
