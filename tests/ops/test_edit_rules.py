"""One edit table for every face: what a request needs, what a model can, and the words."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from studio.domain.models import CANVAS_EDITS, ModelFamily, ModelFormat, ModelInfo, ModelSource
from studio.domain.requests import GenerationRequest
from studio.engine.builtin import family_edits
from studio.imaging.masks import encode_mask_png
from studio.imaging.png import encode_png
from studio.ops.edit_rules import edit_refusal, needed_edits, refused_edit

_PNG = encode_png(np.zeros((64, 64, 3), np.uint8))
_MASK = encode_mask_png(np.ones((64, 64), np.float32))


def _builtin(family: str) -> ModelInfo:
    return ModelInfo(
        id=f"builtin-{family}",
        name=f"Built-in {family}",
        family=ModelFamily.BUILTIN,
        source=ModelSource.BUILTIN,
        format=ModelFormat.BUILTIN,
        edits=family_edits(family),
    )


@pytest.mark.parametrize(
    ("fields", "needed"),
    [
        ({}, ()),
        ({"init_image": _PNG}, ("img2img",)),
        ({"init_image": _PNG, "mask_image": _MASK}, ("inpaint",)),
        ({"variation_seed": 3, "variation_strength": 0.5}, ("variation",)),
        ({"variation_seed": 3, "variation_strength": 0.0}, ()),
        (
            {
                "init_image": _PNG,
                "mask_image": _MASK,
                "variation_seed": 3,
                "variation_strength": 1.0,
            },
            ("inpaint", "variation"),
        ),
    ],
)
def test_a_request_names_the_edits_it_needs(fields, needed) -> None:
    request = GenerationRequest(prompt="x", width=64, height=64, **fields)
    assert needed_edits(request) == needed


def test_builtin_diffusion_inpaints_and_varies_but_does_not_start_from_an_image() -> None:
    diffusion = _builtin("diffusion")
    assert refused_edit(diffusion, "inpaint") is None
    assert refused_edit(diffusion, "variation") is None
    assert edit_refusal(diffusion, "img2img") == (
        "Built-in diffusion makes images from text only: pick a Stable Diffusion model to "
        "start from an image."
    )


def test_the_gui_words_are_kept_and_nothing_is_refused_without_a_model() -> None:
    assert edit_refusal(_builtin("ar"), "variation") == (
        "Built-in ar has no starting noise to vary: pick builtin-diffusion, -vae, -gan or a "
        "Stable Diffusion model for variations."
    )
    assert edit_refusal(_builtin("vae"), "inpaint").startswith("Built-in vae cannot keep part")
    assert all(edit_refusal(None, edit) == "" for edit in CANVAS_EDITS)


def test_a_stable_diffusion_model_can_do_every_edit() -> None:
    sd = replace(_builtin("vae"), family=ModelFamily.SD1, edits=CANVAS_EDITS)
    assert all(refused_edit(sd, edit) is None for edit in CANVAS_EDITS)


def test_hires_fix_needs_a_stable_diffusion_model_in_the_same_words_everywhere() -> None:
    request = GenerationRequest(prompt="x", width=64, height=64, hires_scale=2)
    assert needed_edits(request) == ("hires",)
    assert edit_refusal(_builtin("diffusion"), "hires") == (
        "Built-in diffusion has no image-to-image pass to repaint a larger image with: pick a "
        "Stable Diffusion model for hires fix."
    )


def test_a_control_needs_a_stable_diffusion_model_in_every_face() -> None:
    from studio.domain.control import ControlSpec
    from studio.domain.errors import InvalidRequestError
    from studio.engine.builtin.edit_rules import check_builtin_edits

    request = GenerationRequest(
        prompt="x", width=64, height=64, controls=(ControlSpec("canny", _PNG),)
    )
    assert needed_edits(request) == ("control",)
    assert edit_refusal(_builtin("diffusion"), "control") == (
        "Built-in diffusion cannot take a control image: pick a Stable Diffusion model to use "
        "a ControlNet."
    )
    # The engine refuses it too, for a request that came another way (a batch, a script).
    with pytest.raises(InvalidRequestError, match="cannot take a control image"):
        check_builtin_edits("diffusion", request, "builtin-diffusion")


def test_a_reference_needs_a_stable_diffusion_model_in_every_face() -> None:
    """Before, a built-in model took a reference and ignored it without a word."""
    from studio.domain.errors import InvalidRequestError
    from studio.domain.reference import ReferenceImage
    from studio.engine.builtin.edit_rules import check_builtin_edits

    request = GenerationRequest(prompt="x", width=64, height=64, references=(ReferenceImage(_PNG),))
    assert needed_edits(request) == ("reference",)
    assert edit_refusal(_builtin("diffusion"), "reference") == (
        "Built-in diffusion cannot take a reference image: pick a Stable Diffusion model to "
        "steer toward one (IP-Adapter)."
    )
    with pytest.raises(InvalidRequestError, match="cannot take a reference image"):
        check_builtin_edits("diffusion", request, "builtin-diffusion")
