from __future__ import annotations

import pytest

from studio.domain.errors import InvalidRequestError
from studio.domain.requests import GenerationRequest
from studio.domain.samplers import SAMPLER_NAMES, canonical_sampler_name


def test_request_round_trips_through_json_dict() -> None:
    request = GenerationRequest(
        "a red dragon", negative_prompt="blurry", seed=42, steps=12, width=640, height=384
    )
    assert GenerationRequest.from_dict(request.to_dict()) == request


def test_init_image_is_referenced_by_hash_not_embedded() -> None:
    request = GenerationRequest("x", init_image=b"\x89PNG fake", strength=0.5)
    data = request.to_dict()
    assert "init_image" not in data
    assert data["init_image_sha256"] == request.init_image_sha256
    assert request.is_img2img


def test_resolved_draws_a_seed_once_and_batch_seeds_follow() -> None:
    resolved = GenerationRequest("x", batch_count=3).resolved()
    assert resolved.seed is not None
    assert resolved.resolved() is resolved
    assert [resolved.seed_for(i) for i in range(3)] == [
        (resolved.seed + i) % 2**32 for i in range(3)
    ]
    assert GenerationRequest("x", seed=2**32 - 1).seed_for(1) == 0


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"steps": 0}, "Steps"),
        ({"cfg_scale": 31}, "CFG"),
        ({"width": 500}, "multiple of 8"),
        ({"height": 8}, "out of range"),
        ({"seed": -1}, "Seed"),
        ({"batch_count": 0}, "Batch"),
        ({"strength": 1.5}, "Strength"),
        ({"sampler": "warp drive"}, "Unknown sampler"),
    ],
)
def test_bad_values_give_clear_messages(kwargs: dict, fragment: str) -> None:
    with pytest.raises(InvalidRequestError, match=fragment):
        GenerationRequest("x", **kwargs)


def test_sampler_names_are_forgiving_about_case_and_underscores() -> None:
    assert canonical_sampler_name("euler_a") == "Euler a"
    assert canonical_sampler_name("dpm++ 2m karras") == "DPM++ 2M Karras"
    assert {"Euler", "Euler a", "DPM++ 2M", "DPM++ 2M Karras", "DDIM", "LCM"} <= set(SAMPLER_NAMES)


def test_alpha_mode_is_validated_and_round_trips() -> None:
    import pytest

    from studio.domain.errors import InvalidRequestError
    from studio.domain.requests import GenerationRequest

    request = GenerationRequest("a red dragon", alpha="crisp", seed=1)
    assert GenerationRequest.from_dict(request.to_dict()).alpha == "crisp"
    assert GenerationRequest.from_dict({"prompt": "x"}).alpha == "soft"  # a pre-option recipe
    with pytest.raises(InvalidRequestError, match="use soft or crisp"):
        GenerationRequest("x", alpha="hard")


def test_transparent_background_round_trips_and_defaults_off() -> None:
    from studio.domain.requests import GenerationRequest

    assert GenerationRequest(prompt="a").transparent_background is False
    request = GenerationRequest(prompt="a slime", transparent_background=True)
    again = GenerationRequest.from_dict(request.to_dict())
    assert again.transparent_background is True and again == request


def test_new_requests_are_crisp_and_old_recipes_replay_soft() -> None:
    # Crisp is the default so the default sprite has no halo (#12: 15 % of the VAE's pixels
    # were half transparent with soft alpha); a recipe from before the option keeps its pixels.
    assert GenerationRequest("a red dragon").alpha == "crisp"
    stored = GenerationRequest("a red dragon", seed=3).to_dict()
    assert GenerationRequest.from_dict(stored).alpha == "crisp"
    del stored["alpha"]
    assert GenerationRequest.from_dict(stored).alpha == "soft"
