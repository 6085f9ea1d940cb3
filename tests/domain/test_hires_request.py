"""The hires-fix fields of a generation request: names, size, checks and storage."""

from __future__ import annotations

import pytest

from studio.domain.batch_fields import COLUMN_NAMES, typed_values
from studio.domain.errors import InvalidRequestError
from studio.domain.hires import a1111_upscaler_name, canonical_upscaler, is_latent_upscaler
from studio.domain.requests import GenerationRequest


def test_scale_one_is_off_and_writes_nothing_new() -> None:
    plain = GenerationRequest(prompt="x")
    assert not plain.has_hires and plain.hires_size == (512, 512)
    assert not any(key.startswith("hires") for key in plain.to_dict())


def test_the_final_size_is_the_scaled_size_in_multiples_of_8() -> None:
    request = GenerationRequest(prompt="x", width=512, height=264, hires_scale=1.5)
    assert request.has_hires and request.hires_size == (768, 392)


def test_an_explicit_hires_size_wins_over_the_scale() -> None:
    request = GenerationRequest(prompt="x", hires_width=640, hires_height=384)
    assert request.has_hires and request.hires_size == (640, 384)


def test_a_hires_request_round_trips_through_its_stored_form() -> None:
    request = GenerationRequest(
        prompt="x", hires_scale=2, hires_upscaler="Lanczos", hires_steps=7, seed=3
    )
    assert request.hires_upscaler == "lanczos"
    assert GenerationRequest.from_dict(request.to_dict()) == request


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"hires_scale": 4.5}, "Hires scale 4.5 is out of range: use 1 \\(off\\) to 4"),
        ({"hires_scale": 0.5}, "Hires scale 0.5 is out of range"),
        ({"hires_steps": 151}, "Hires steps 151 is out of range"),
        ({"hires_width": 640}, "hires height 0 is out of range"),
        ({"hires_width": 641, "hires_height": 640}, "hires width 641 must be a multiple of 8"),
        ({"hires_upscaler": " "}, "Hires upscaler is empty"),
        ({"hires_scale": 2, "init_image": b"png"}, "clear the source image"),
    ],
)
def test_impossible_hires_values_are_one_line(values: dict, message: str) -> None:
    with pytest.raises(InvalidRequestError, match=message) as caught:
        GenerationRequest(prompt="x", **values)
    assert "\n" not in str(caught.value)


def test_upscaler_names_are_a1111s_without_letter_case() -> None:
    assert canonical_upscaler("LATENT (Bicubic)") == "latent (bicubic)"
    assert a1111_upscaler_name("latent (bicubic)") == "Latent (bicubic)"
    assert a1111_upscaler_name("lanczos") == "Lanczos"
    # A model's name is kept as written: it names a file.
    assert canonical_upscaler(" 4x-UltraSharp ") == "4x-UltraSharp"
    assert a1111_upscaler_name("4x-UltraSharp") == "4x-UltraSharp"
    assert is_latent_upscaler("latent (nearest-exact)") and not is_latent_upscaler("nearest")


def test_every_hires_field_is_a_batch_column() -> None:
    for name in ("hires_scale", "hires_upscaler", "hires_steps", "hires_width", "hires_height"):
        assert name in COLUMN_NAMES
    assert typed_values("hires_scale", "2") == {"hires_scale": 2.0}
    assert typed_values("hires_steps", "10") == {"hires_steps": 10}
    assert typed_values("hires_upscaler", "Latent") == {"hires_upscaler": "Latent"}


def test_each_latent_mode_names_its_interpolation() -> None:
    from studio.domain.hires import latent_interpolation

    assert latent_interpolation("latent") == ("bilinear", False)
    assert latent_interpolation("latent (antialiased)") == ("bilinear", True)
    assert latent_interpolation("latent (bicubic antialiased)") == ("bicubic", True)
    assert latent_interpolation("latent (nearest-exact)") == ("nearest-exact", False)
