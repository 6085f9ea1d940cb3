"""The field-driven serializer keeps the stored form of every request exactly as before.

The JSON literals were written by the hand-written ``to_dict`` methods this serializer replaced
(captured before the change), so recipes already in projects and PNGs keep loading.
"""

from __future__ import annotations

import json
from dataclasses import fields

import pytest

from studio.domain.control import ControlSpec
from studio.domain.errors import InvalidRequestError
from studio.domain.job_kind import JobKind
from studio.domain.jobs import job_kind
from studio.domain.reference import ReferenceImage
from studio.domain.requests import GenerationRequest
from studio.domain.style import StyleRequest

OLD_GENERATION = (
    '{"prompt": "a red potion", "negative_prompt": "blurry", "model": "", "sampler": '
    '"DPM++ 2M Karras", "steps": 25, "cfg_scale": 7.0, "width": 512, "height": 512, "seed": 7, '
    '"batch_count": 1, "strength": 0.75, "alpha": "crisp", "transparent_background": false, '
    '"variation_seed": 3, "variation_strength": 0.5, "tile_x": true, "tile_y": false, '
    '"mask_blur": 4, "only_masked": false, "only_masked_padding": 32, "outpaint": [8, 0, 16, 0], '
    '"outpaint_fill": "edge", "init_image_sha256": '
    '"bb54068aea85faa7e487530083366be9962390af822e4c71ef1aca7033c83e66", "mask_image_sha256": '
    '"48bf9b4f142ab45cac6f33cf99415bca6ca8e07608a031237aa76560fec2204b", "schema": 1}'
)
OLD_STYLE = (
    '{"source_label": "", "presets": [3], "style_labels": ["style image 1"], "weights": '
    '[0.7, 0.3], "strength": 1.0, "preserve_colors": false, "max_size": 256, "method": "fast", '
    '"iterations": 200, "seed": 9, "source_sha256": '
    '"25a6634263c1b1f6fc4697a04e2b9904ea4b042a89af59dc93ec1f5d44848a26", '
    '"style_image_sha256s": ["56af4bde70a47ae7d0f1ebb30e45ed336165d5c9ec00ba9a92311e33a4256d74"], '
    '"mask_sha256": "62c66a7a5dd70c3146618063c344e531e6d4b59e379808443ce962b3abd63c5a", '
    '"schema": 1}'
)


def test_a_generation_recipe_written_by_the_old_code_round_trips_byte_for_byte() -> None:
    request = GenerationRequest.from_dict(
        json.loads(OLD_GENERATION), init_image=b"init", mask_image=b"mask"
    )
    assert request.outpaint == (8, 0, 16, 0) and request.tile_x is True
    assert (request.init_image, request.mask_image) == (b"init", b"mask")
    assert json.dumps(request.to_dict()) == OLD_GENERATION


def test_a_style_recipe_written_by_the_old_code_round_trips_byte_for_byte() -> None:
    request = StyleRequest.from_dict(
        json.loads(OLD_STYLE), source=b"src", style_images=(b"st",), mask=b"m"
    )
    assert request.presets == (3,) and request.weights == (0.7, 0.3)
    assert json.dumps(request.to_dict()) == OLD_STYLE


def test_a_recipe_from_before_the_alpha_option_replays_with_the_models_own_alpha() -> None:
    data = json.loads(OLD_GENERATION)
    del data["alpha"]
    assert GenerationRequest.from_dict(data).alpha == "soft"
    assert GenerationRequest(prompt="x").alpha == "crisp"


def test_a_mask_without_its_init_image_replays_as_plain_generation() -> None:
    request = GenerationRequest.from_dict(json.loads(OLD_GENERATION), mask_image=b"mask")
    assert request.init_image is None and request.mask_image is None


@pytest.mark.parametrize("value", ["false", "true", 0, 1, "no"])
def test_a_stored_flag_must_be_a_json_boolean(value: object) -> None:
    # bool("false") is True: before the one serializer, "tile_x": "false" replayed tiled.
    data = {"prompt": "x", "tile_x": value}
    with pytest.raises(InvalidRequestError, match="tile_x must be true or false"):
        GenerationRequest.from_dict(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1], "A stored request must be a JSON object"),
        ({"prompt": "x", "outpaint": "8,0,0,0"}, "outpaint must be a list"),
        ({"prompt": "x", "steps": "many"}, "Stored request is malformed"),
        ({"prompt": "x", "steps": 0}, "Steps 0 is out of range"),
    ],
)
def test_a_malformed_stored_request_is_one_line(data: object, message: str) -> None:
    with pytest.raises(InvalidRequestError, match=message) as caught:
        GenerationRequest.from_dict(data)  # type: ignore[arg-type]  # wrong on purpose
    assert "\n" not in str(caught.value)


def test_style_lists_must_be_lists() -> None:
    data = json.loads(OLD_STYLE)
    data["presets"] = "3"
    with pytest.raises(InvalidRequestError, match="style request is malformed: presets must be"):
        StyleRequest.from_dict(data, source=b"src", style_images=(b"st",), mask=b"m")


def test_every_field_but_the_images_is_stored_under_its_own_name() -> None:
    # Hires fields are written only when set (an old recipe keeps its bytes): set them all.
    hires = {"hires_scale": 2, "hires_upscaler": "lanczos", "hires_steps": 3, "step_cache": 3}
    units = {"controls": (ControlSpec("canny"),), "references": (ReferenceImage(b"x"),)}
    stored = GenerationRequest(  # the units are stored only when there are some
        prompt="x", hires_width=512, hires_height=256, transparent="native", **units, **hires
    ).to_dict()
    plain = {item.name for item in fields(GenerationRequest)} - {"init_image", "mask_image"}
    assert set(stored) == plain | {"init_image_sha256", "mask_image_sha256", "schema"}


def test_each_request_names_its_kind_and_the_stored_value_is_the_old_text() -> None:
    assert job_kind(GenerationRequest(prompt="x")) is JobKind.GENERATE
    assert job_kind(StyleRequest(source=b"s", presets=(1,))) is JobKind.STYLE
    assert JobKind.GENERATE == "generate" and json.dumps(JobKind.STYLE) == '"style"'
