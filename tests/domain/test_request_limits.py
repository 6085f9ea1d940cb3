"""The ranges a job's numbers are checked against, and ``WxH`` parsing."""

from __future__ import annotations

import pytest

from studio.domain.errors import InvalidRequestError
from studio.domain.request_limits import MAX_SEED, check_side, parse_size, random_seed


@pytest.mark.parametrize("text", ["512", "512x", "axb", "0x512", "513x512", "512x99999"])
def test_parse_size_rejects_bad_sizes(text: str) -> None:
    with pytest.raises(InvalidRequestError):
        parse_size(text)


def test_parse_size_accepts_common_spellings() -> None:
    assert parse_size("512x768") == (512, 768)
    assert parse_size(" 1024X1024 ") == (1024, 1024)
    assert parse_size("64*32") == (64, 32)


def test_a_side_off_the_grid_names_itself_and_the_nearest_side_that_works() -> None:
    with pytest.raises(InvalidRequestError, match=r"hires width 515 .* \(for example 512\)"):
        check_side("hires width", 515)
    with pytest.raises(InvalidRequestError, match="height 4104 is out of range: use 16 to 4096"):
        check_side("height", 4104)
    check_side("width", 16)


def test_a_drawn_seed_is_in_every_backend_s_range() -> None:
    assert all(0 <= random_seed() <= MAX_SEED for _ in range(20))
