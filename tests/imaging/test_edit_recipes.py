"""Edit settings in recipes: A1111 names written and read back, Studio JSON round trip."""

from __future__ import annotations

import numpy as np

from studio.domain.requests import GenerationRequest
from studio.domain.results import GeneratedImage
from studio.imaging.a1111 import a1111_parameters, parse_a1111_parameters
from studio.imaging.png import encode_png
from studio.imaging.recipe import format_recipe, read_recipe
from studio.imaging.recipe_chunks import encode_result_png


def _edited_request() -> GenerationRequest:
    return GenerationRequest(
        "a stone floor",
        seed=12,
        variation_seed=99,
        variation_strength=0.25,
        tile_x=True,
        tile_y=True,
        outpaint=(0, 0, 64, 0),
        outpaint_fill="blur",
    )


def test_a1111_text_carries_variation_and_tiling_under_a1111_names() -> None:
    text = a1111_parameters(_edited_request())
    params = parse_a1111_parameters(text)["params"]
    assert params["Variation seed"] == "99"
    assert params["Variation seed strength"] == "0.25"
    assert params["Tiling"] == "True"
    assert params["Outpaint"] == "0,0,64,0" and params["Outpaint fill"] == "blur"


def test_a1111_recipe_from_another_tool_replays_variation_and_tiling() -> None:
    text = (
        "a stone floor\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 12, Size: 512x512, "
        "Variation seed: 99, Variation seed strength: 0.25, Tiling: True"
    )
    recipe = read_recipe(encode_png(np.zeros((8, 8, 3), np.uint8), {"parameters": text}))
    request = recipe.request
    assert request is not None
    assert (request.variation_seed, request.variation_strength) == (99, 0.25)
    assert request.tile_x and request.tile_y


def test_one_axis_tiling_reads_back_as_that_axis() -> None:
    for axis in ("x", "y"):
        request = GenerationRequest("p", seed=1, tile_x=axis == "x", tile_y=axis == "y")
        png = encode_png(np.zeros((8, 8, 3), np.uint8), {"parameters": a1111_parameters(request)})
        back = read_recipe(png).request
        assert back is not None and (back.tile_x, back.tile_y) == (axis == "x", axis == "y")


def test_studio_recipe_replays_every_edit_field_and_info_shows_them() -> None:
    request = _edited_request()
    image = GeneratedImage(
        request=request,
        pixels=np.zeros((16, 16, 3), np.uint8),
        model_name="m",
        extra={"Seam score X": 1.02, "Seam score Y": 0.97},
    )
    recipe = read_recipe(encode_result_png(image))
    assert recipe.request == request
    shown = format_recipe(recipe)
    for line in ("Variation seed: 99", "Tiling: True", "Seam score X: 1.02", "Outpaint: 0,0,64,0"):
        assert line in shown


def test_inpaint_recipe_says_the_mask_is_not_in_the_file() -> None:
    request = GenerationRequest(
        "p", seed=1, init_image=b"init", mask_image=b"mask", mask_blur=6, only_masked=True
    )
    image = GeneratedImage(request=request, pixels=np.zeros((16, 16, 3), np.uint8))
    recipe = read_recipe(encode_result_png(image))
    assert recipe.params["Mask blur"] == "6" and recipe.params["Inpaint area"] == "Only masked"
    assert any("mask is not stored" in note for note in recipe.notes)
    assert recipe.request is not None and recipe.request.only_masked
