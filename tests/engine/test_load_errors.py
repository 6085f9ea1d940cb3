"""A library's failure to load a file is one line naming the file, its reason and what to do."""

from __future__ import annotations

import pytest

from studio.domain.errors import InvalidRequestError, ModelLoadError
from studio.engine.load_errors import first_line, loading_as


def test_a_many_line_library_error_becomes_one_short_line() -> None:
    table = "size mismatch for conv.weight\n" + "copying a param of shape ...\n" * 50

    with (
        pytest.raises(ModelLoadError) as caught,
        loading_as("x.safetensors", "a ControlNet", "fix it."),
    ):
        raise RuntimeError(table)

    message = str(caught.value)
    assert "\n" not in message
    assert message == (
        "x.safetensors could not be loaded as a ControlNet (size mismatch for conv.weight): fix it."
    )


def test_a_reason_is_bounded_and_an_empty_one_names_the_type() -> None:
    assert first_line(KeyError()) == "KeyError"
    assert len(first_line(ValueError("x" * 1000))) == 160


def test_a_studio_error_inside_passes_through_as_it_is() -> None:
    with pytest.raises(InvalidRequestError, match=r"^no image$"), loading_as("x", "y", "z"):
        raise InvalidRequestError("no image")
