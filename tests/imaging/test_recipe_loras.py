"""LoRAs in recipes: written as A1111 writes them, read back from A1111 and ComfyUI."""

from __future__ import annotations

import copy
import json

import numpy as np

from studio.domain.requests import GenerationRequest
from studio.domain.results import GeneratedImage
from studio.imaging.png import encode_png, png_text_chunks
from studio.imaging.recipe import read_recipe
from studio.imaging.recipe_chunks import encode_result_png
from tests.imaging.comfyui_graphs import DEFAULT_GRAPH

PROMPT = "a knight <lora:pixel-art:0.8>, castle <lora:dither:0.5>"
HASHES = "pixel-art: 0123456789ab, dither: ba9876543210"


def _pixels() -> np.ndarray:
    return np.zeros((8, 8, 4), dtype=np.uint8)


def _result() -> GeneratedImage:
    request = GenerationRequest(prompt=PROMPT, negative_prompt="blurry easyneg", seed=5)
    return GeneratedImage(
        request=request,
        pixels=_pixels(),
        extra={"Lora hashes": HASHES, "TI hashes": "easyneg: 00aa11bb22cc"},
    )


def test_the_parameters_text_holds_the_tags_and_a1111_hashes() -> None:
    text = png_text_chunks(encode_result_png(_result()))["parameters"]

    assert text.startswith(PROMPT + "\n")
    assert f'Lora hashes: "{HASHES}"' in text
    assert 'TI hashes: "easyneg: 00aa11bb22cc"' in text


def test_a_recipe_round_trips_the_tags_through_studio_and_a1111_text() -> None:
    png = encode_result_png(_result())
    a1111_only = {"parameters": png_text_chunks(png)["parameters"]}

    studio = read_recipe(png)
    other = read_recipe(encode_png(_pixels(), a1111_only))

    assert studio.request is not None and studio.request.prompt == PROMPT
    assert other.request is not None and other.request.prompt == PROMPT  # no tag added twice
    assert other.params["Lora hashes"] == HASHES


def test_lora_hashes_without_tags_become_tags() -> None:
    text = (
        "a knight\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, "
        'Lora hashes: "pixel-art: 0123456789ab"'
    )

    recipe = read_recipe(encode_png(_pixels(), {"parameters": text}))

    assert recipe.prompt == "a knight"
    assert recipe.request is not None
    assert recipe.request.prompt == "a knight, <lora:pixel-art:1>"


def test_comfyui_lora_loaders_become_tags_with_their_model_strength() -> None:
    graph = copy.deepcopy(DEFAULT_GRAPH)
    graph["10"]["inputs"]["lora_name"] = "styles\\pixel-art.safetensors"
    graph["10"]["inputs"]["strength_model"] = 0.6

    recipe = read_recipe(encode_png(_pixels(), {"prompt": json.dumps(graph)}))

    assert recipe.request is not None
    assert recipe.request.prompt.endswith(", <lora:pixel-art:0.6>")
    assert recipe.params["LoRAs"] == "styles\\pixel-art.safetensors"


def test_hostile_comfyui_strengths_and_names_do_not_become_tags() -> None:
    graph = copy.deepcopy(DEFAULT_GRAPH)
    graph["10"]["inputs"]["lora_name"] = "<evil:9>.safetensors"

    recipe = read_recipe(encode_png(_pixels(), {"prompt": json.dumps(graph)}))

    assert recipe.request is not None
    assert "<lora:" not in recipe.request.prompt
