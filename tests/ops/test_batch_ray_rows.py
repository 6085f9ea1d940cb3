"""A request shipped to a Ray actor keeps every image it carries (issue 23).

Before, a row carried the request's stored form and the init image only: the actor's request
lost its mask (an inpaint item ran as a plain image-to-image) and the images of its ControlNet
units and references (which the engine then refused as "read back from a recipe").
"""

from __future__ import annotations

import pytest

from studio.domain.control import ControlSpec
from studio.domain.errors import InvalidRequestError
from studio.domain.reference import ReferenceImage
from studio.domain.requests import GenerationRequest
from studio.ops.batch.ray_rows import request_from_row, request_row, with_unit_images


def _request() -> GenerationRequest:
    return GenerationRequest(
        prompt="fox",
        init_image=b"init",
        mask_image=b"mask",
        controls=(ControlSpec("canny", b"edges", weight=0.5), ControlSpec("none", b"pose")),
        references=(ReferenceImage(b"hero", weight=0.3),),
    )


def test_a_row_carries_the_mask_and_every_unit_image() -> None:
    request = _request()
    back = request_from_row(request_row(request))
    assert back == request  # the settings (images are not compared by ==)
    assert (back.init_image, back.mask_image) == (b"init", b"mask")
    assert [unit.image for unit in back.controls] == [b"edges", b"pose"]
    assert [unit.image for unit in back.references] == [b"hero"]


def test_a_plain_request_rows_with_empty_images() -> None:
    row = request_row(GenerationRequest(prompt="owl"))
    assert (row["init_image"], row["mask_image"], row["unit_images"]) == (b"", b"", "[]")
    assert request_from_row(row) == GenerationRequest(prompt="owl")


def test_images_that_do_not_match_the_units_are_refused() -> None:
    with pytest.raises(InvalidRequestError, match="2 units but 1 images"):
        with_unit_images(GenerationRequest(prompt="x", controls=_request().controls), [b"a"])
