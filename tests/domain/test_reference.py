"""The ReferenceImage spec: ranges, and its stored form on a generation request."""

from __future__ import annotations

import pytest

from studio.domain.errors import InvalidRequestError
from studio.domain.reference import MAX_REFERENCES, ReferenceImage, reference_parameters
from studio.domain.requests import GenerationRequest


def test_a_request_stores_references_by_hash_and_reads_them_back_without_pixels() -> None:
    reference = ReferenceImage(b"png bytes", weight=0.6, model="ip-adapter_sd15", source="#12")
    request = GenerationRequest("a fox", references=(reference,))
    stored = request.to_dict()
    assert stored["references"] == [
        {"weight": 0.6, "model": "ip-adapter_sd15", "source": "#12",
         "image_sha256": reference.image_sha256},
    ]  # fmt: skip
    back = GenerationRequest.from_dict(stored)
    assert back.references == (ReferenceImage(None, 0.6, "ip-adapter_sd15", "#12"),)
    assert back.references[0].image is None


def test_a_request_without_references_stores_what_it_stored_before() -> None:
    assert "references" not in GenerationRequest("a fox").to_dict()


@pytest.mark.parametrize("weight", [-0.1, 2.5, float("nan"), True, "1"])
def test_weights_out_of_range_are_one_line(weight) -> None:
    with pytest.raises(InvalidRequestError, match=r"[Rr]eference weight"):
        ReferenceImage(b"x", weight=weight)


def test_too_many_references_are_refused() -> None:
    references = tuple(ReferenceImage(b"x") for _ in range(MAX_REFERENCES + 1))
    with pytest.raises(InvalidRequestError, match="too many"):
        GenerationRequest("a fox", references=references)


def test_the_recipe_text_keeps_separators_out_of_names() -> None:
    entry = reference_parameters((ReferenceImage(b"x", source="a:b,c.png"),), ("ip [1234abcd]",))
    assert entry["IP-Adapter 0"].endswith("Source: a b c.png")
