"""Bounded fuzzing in CI (the long run is ``python tests/hostile/fuzz_long.py``)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from tests.hostile import fuzz_properties as props

pytestmark = pytest.mark.timeout(300)

CI = settings(
    max_examples=150,
    deadline=None,
    database=None,  # nothing written into the checkout
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@CI
@given(props.headers, props.raw_headers, props.header_lengths, props.data_sizes)
def test_safetensors_header_parser_refuses_or_agrees_with_safetensors(
    header, raw, declared, data_size
) -> None:
    assert props.check_safetensors_header(header, raw, declared, data_size) in {
        "accepted",
        "refused",
    }


@CI
@given(props.raw_headers, props.data_sizes)
def test_safetensors_header_parser_on_raw_bytes(raw, data_size) -> None:
    assert props.check_safetensors_header(None, raw, None, data_size) in {"accepted", "refused"}


@pytest.fixture(scope="module")
def base_png() -> bytes:
    from studio.imaging.png import encode_png

    pixels = np.random.default_rng(3).integers(0, 256, (6, 5, 4), dtype=np.uint8)
    return encode_png(pixels, {"parameters": "a fox\nSteps: 3, Seed: 1"})


@CI
@given(props.chunks, props.cuts)
def test_png_text_reader_and_decoder_never_fail_otherwise(base_png, extra, cut) -> None:
    outcome = props.check_png_text(props.png_with_chunks(base_png, extra, cut))
    assert outcome.split("+")[0] in {"text", "text-refused"}
    assert outcome.split("+")[1] in {"pixels", "pixels-refused"}
