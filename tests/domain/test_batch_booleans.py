"""Issue 19: a batch cell ``tile_x=false`` came out as True (``bool("false")``).

Every boolean column is typed from the request's annotations (``studio.domain.batch_fields``),
so each parses the one yes/no way; these tests fail on the code before issue 18, where only
``transparent_background`` was a boolean and ``tile_x`` reached the request as the text "false".
"""

from __future__ import annotations

from dataclasses import fields

import pytest

from studio.domain.batch_spec import SpecContext, parse_spec
from studio.domain.errors import InvalidRequestError
from studio.domain.requests import GenerationRequest

BOOLEAN_FIELDS = [item.name for item in fields(GenerationRequest) if item.type == "bool"]


def test_the_request_has_the_boolean_fields_this_test_is_about() -> None:
    assert {"tile_x", "tile_y", "only_masked", "transparent_background"} <= set(BOOLEAN_FIELDS)


@pytest.mark.parametrize("name", BOOLEAN_FIELDS)
@pytest.mark.parametrize(
    ("cell", "expected"),
    [("false", False), ("FALSE", False), ("no", False), ("0", False), ("true", True), ("1", True)],
)
def test_every_boolean_csv_cell_parses_one_way(name: str, cell: str, expected: bool) -> None:
    (draft,) = parse_spec(f"prompt,{name}\nx,{cell}\n", "s.csv", SpecContext({}, 0))
    assert getattr(draft.request, name) is expected


@pytest.mark.parametrize("value", ['"false"', "false", '"no"', '"0"'])
def test_jsonl_false_is_false(value: str) -> None:
    text = f'{{"prompt": "x", "tile_x": {value}, "tile_y": {value}}}\n'
    (draft,) = parse_spec(text, "s.jsonl", SpecContext({}, 0))
    assert (draft.request.tile_x, draft.request.tile_y) == (False, False)


def test_a_cell_that_is_not_yes_or_no_is_refused_naming_the_line() -> None:
    with pytest.raises(InvalidRequestError, match=r"s\.csv, line 2: tile_x 'maybe' is not yes"):
        parse_spec("prompt,tile_x\nx,maybe\n", "s.csv", SpecContext({}, 0))
