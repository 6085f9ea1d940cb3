"""The one rule for how large an image Studio makes: a side and a pixel count, one line each."""

from __future__ import annotations

import pytest

from studio.domain.errors import InvalidRequestError
from studio.imaging.output_size import (
    MAX_OUTPUT_PIXELS,
    MAX_OUTPUT_SIDE,
    check_output_pixels,
    check_output_size,
)


def test_sizes_within_the_cap_pass() -> None:
    check_output_size(MAX_OUTPUT_SIDE, MAX_OUTPUT_PIXELS // MAX_OUTPUT_SIDE, what="X", lower="y")
    check_output_pixels(MAX_OUTPUT_PIXELS, what="X", lower="y")


def test_a_side_past_the_cap_names_the_size_the_cap_and_what_to_lower() -> None:
    with pytest.raises(InvalidRequestError) as refused:
        check_output_size(MAX_OUTPUT_SIDE + 1, 4, what="The image", lower="the scale")
    assert str(refused.value) == (
        f"The image would be {MAX_OUTPUT_SIDE + 1}x4 pixels, larger than {MAX_OUTPUT_SIDE} px "
        "a side; lower the scale."
    )


def test_a_pixel_count_past_the_cap_names_it() -> None:
    with pytest.raises(InvalidRequestError) as refused:
        check_output_size(9000, 9000, what="The image", lower="the scale")
    assert str(refused.value) == (
        "The image (9000x9000) would be 81 megapixels, more than 67.1 megapixels; lower the scale."
    )
