"""IP-Adapter references in A1111-like recipes read back into the request, without images."""

from __future__ import annotations

import numpy as np

from studio.domain.reference import ReferenceImage, reference_parameters
from studio.imaging.png import encode_png
from studio.imaging.recipe import read_recipe


def _recipe_png(units: dict[str, str]) -> bytes:
    quoted = ", ".join(f'{key}: "{value}"' for key, value in units.items())
    text = f"a knight\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 5, Size: 512x512, {quoted}"
    return encode_png(np.zeros((8, 8, 3), np.uint8), {"parameters": text})


def test_the_units_studio_writes_read_back_without_their_pictures() -> None:
    written = (
        ReferenceImage(b"png-1", weight=0.8, source="hero.png"),
        ReferenceImage(b"png-2", weight=0.35, source="#12"),
    )
    units = reference_parameters(written, ("ip-adapter_sd15 [1234abcdef]", "ip-plus [0a0b0c0d]"))

    recipe = read_recipe(_recipe_png(units))

    assert recipe.request is not None
    read = [(r.model, r.weight, r.source, r.image) for r in recipe.request.references]
    assert read == [("ip-adapter_sd15", 0.8, "hero.png", None), ("ip-plus", 0.35, "#12", None)]
    assert recipe.request.seed == 5  # the rest of the recipe still replays
    assert "2 reference image(s) read back without their images: add each image again." in (
        recipe.notes
    )


def test_a_unit_that_does_not_read_is_left_out_and_the_rest_replays() -> None:
    units = {
        "IP-Adapter 0": "Model: ip [1234abcd], Weight: lots",
        "IP-Adapter 1": "Model: ip [1234abcd], Weight: 9",
        "IP-Adapter 2": "Model: ip [1234abcd], Weight: 0.5, Image hash: 0123456789ab",
    }

    recipe = read_recipe(_recipe_png(units))

    assert recipe.request is not None
    assert [(r.model, r.weight) for r in recipe.request.references] == [("ip", 0.5)]


def test_a_recipe_without_references_has_none_and_no_note() -> None:
    png = encode_png(np.zeros((8, 8, 3), np.uint8), {"parameters": "a cat\nSteps: 20, Seed: 1"})
    recipe = read_recipe(png)
    assert recipe.request is not None and recipe.request.references == ()
    assert not any("reference" in note for note in recipe.notes)
