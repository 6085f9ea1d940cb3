"""ControlNet units in A1111 recipes read back into the request, without their images."""

from __future__ import annotations

import numpy as np

from studio.imaging.png import encode_png
from studio.imaging.recipe import read_recipe

_A1111 = (
    "a knight\nNegative prompt: blurry\n"
    "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 5, Size: 512x512, "
    'ControlNet 0: "Module: openpose_full, Model: control_v11p_sd15_openpose [cab727d4], '
    'Weight: 0.8, Resize Mode: Crop and Resize, Guidance Start: 0.1, Guidance End: 0.9", '
    'ControlNet 1: "Module: canny, Model: control_v11p_sd15_canny [d14c016b], Weight: 1, '
    'Guidance Start: 0, Guidance End: 1", Version: v1.7.0'
)


def test_an_a1111_recipes_controlnet_units_read_back_without_images() -> None:
    png = encode_png(np.zeros((8, 8, 3), np.uint8), {"parameters": _A1111})
    recipe = read_recipe(png)
    assert recipe.request is not None
    units = [(c.kind, c.model, c.weight, c.start, c.end, c.image) for c in recipe.request.controls]
    assert units == [
        ("openpose", "control_v11p_sd15_openpose", 0.8, 0.1, 0.9, None),
        ("canny", "control_v11p_sd15_canny", 1.0, 0.0, 1.0, None),
    ]
    assert recipe.request.seed == 5  # the rest of the recipe still replays
    assert any("add each image again" in note for note in recipe.notes)


def test_a_recipe_without_units_has_no_controls_and_no_note() -> None:
    png = encode_png(np.zeros((8, 8, 3), np.uint8), {"parameters": "a cat\nSteps: 20, Seed: 1"})
    recipe = read_recipe(png)
    assert recipe.request is not None and recipe.request.controls == ()
    assert not any("ControlNet" in note for note in recipe.notes)
