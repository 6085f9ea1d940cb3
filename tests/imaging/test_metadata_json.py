"""JSON from image metadata is read with size and depth limits (RELIABILITY 15)."""

from __future__ import annotations

import pytest

from studio.domain.errors import MetadataError
from studio.imaging.metadata_json import MAX_JSON_DEPTH, load_metadata_json, nesting_exceeds


def test_nesting_counts_only_structure_outside_strings() -> None:
    deep = "[" * 5 + "]" * 5
    brackets_in_text = '{"a": "[[[[[[[[[[", "b": "\\"[[[[[[[[["}'

    assert nesting_exceeds(deep, 4)
    assert not nesting_exceeds(deep, 5)
    assert not nesting_exceeds(brackets_in_text, 1)
    assert nesting_exceeds('{"a": "\\\\", "b": [[[]]]}', 3)  # an escaped backslash ends a string


def test_json_at_the_depth_limit_is_read_and_beyond_it_refused() -> None:
    at_limit = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH

    assert load_metadata_json(at_limit, what="x") is not None
    with pytest.raises(MetadataError, match="nests deeper than 64 levels"):
        load_metadata_json("[" + at_limit + "]", what="x")


def test_size_cap_and_invalid_json() -> None:
    with pytest.raises(MetadataError, match="holds 11 characters; Studio reads up to 10"):
        load_metadata_json('"abcdefghi"', what="x", max_chars=10)
    with pytest.raises(MetadataError, match="the ComfyUI prompt is not valid JSON"):
        load_metadata_json("{", what="the ComfyUI prompt")
    with pytest.raises(MetadataError, match="x holds a number too long to read"):
        load_metadata_json("1" * 5000, what="x")  # beyond Python's integer digit limit
