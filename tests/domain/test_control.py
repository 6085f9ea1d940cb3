"""ControlNet units: checked when made, stored by digest, written and read as A1111 does."""

from __future__ import annotations

import pytest

from studio.domain.control import ControlSpec
from studio.domain.control_recipe import control_parameters, controls_from_parameters
from studio.domain.errors import InvalidRequestError
from studio.domain.pose import STANDING, Skeleton
from studio.domain.requests import GenerationRequest
from studio.imaging.a1111 import a1111_parameters, parse_a1111_parameters


def test_a_request_with_controls_round_trips_without_the_images():
    unit = ControlSpec("pose", b"png", model="cn", weight=0.5, start=0.1, end=0.8, source="#3")
    request = GenerationRequest("a knight", controls=(unit,))
    stored = request.to_dict()
    assert stored["controls"][0]["kind"] == "openpose"
    assert stored["controls"][0]["image_sha256"] == unit.image_sha256
    back = GenerationRequest.from_dict(stored)
    assert back.controls == (unit,)
    assert back.controls[0].image is None


def test_a_request_without_controls_stores_what_it_did_before():
    assert "controls" not in GenerationRequest("a knight").to_dict()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"kind": "depth"}, "Control kind 'depth' is unknown"),
        ({"kind": "canny", "weight": 3.0}, "weight 3 is out of range"),
        ({"kind": "canny", "start": 0.6, "end": 0.5}, "0 <= start < end <= 1"),
        ({"kind": "canny", "weight": "1"}, "must be a number"),
    ],
)
def test_a_bad_unit_is_one_line(values, message):
    with pytest.raises(InvalidRequestError, match=message):
        ControlSpec(**values)


def test_too_many_controls_are_refused():
    with pytest.raises(InvalidRequestError, match="at most 4"):
        GenerationRequest("x", controls=tuple(ControlSpec("canny") for _ in range(5)))


def test_a1111_control_entries_round_trip_through_the_parameters_text():
    units = (
        ControlSpec("canny", weight=1.0),
        ControlSpec("openpose", weight=0.75, start=0.2, end=0.9),
    )
    entries = control_parameters(units, ("control_v11p_sd15_canny [d14c016b]", "pose"))
    assert entries["ControlNet 0"] == (
        "Module: canny, Model: control_v11p_sd15_canny [d14c016b], Weight: 1.0, "
        "Guidance Start: 0.0, Guidance End: 1.0"
    )
    text = a1111_parameters(GenerationRequest("x", seed=1), extra=entries)
    assert 'ControlNet 0: "Module: canny, Model: control_v11p_sd15_canny [d14c016b]' in text
    back = controls_from_parameters(parse_a1111_parameters(text)["params"])
    assert [(u.kind, u.model, u.weight, u.start, u.end) for u in back] == [
        ("canny", "control_v11p_sd15_canny", 1.0, 0.0, 1.0),
        ("openpose", "pose", 0.75, 0.2, 0.9),
    ]


def test_an_a1111_unit_with_extra_fields_and_an_unknown_one_replays_what_it_can():
    params = {
        "ControlNet 0": "Module: softedge_pidinet, Model: cn_hed [aabbccdd], Weight: 1, "
        "Resize Mode: Crop and Resize, Pixel Perfect: False, Guidance Start: 0, Guidance End: 1",
        "ControlNet 1": "Module: depth_midas, Model: depth, Weight: 1",
    }
    (unit,) = controls_from_parameters(params)
    assert (unit.kind, unit.model, unit.weight) == ("softedge", "cn_hed", 1.0)


def test_a_skeleton_moves_a_point_and_round_trips():
    moved = STANDING.moved("right_wrist", 0.2, 0.3)
    assert moved.points[4] == (0.2, 0.3)
    assert Skeleton.from_list(moved.to_list()) == moved
    with pytest.raises(InvalidRequestError, match="18 points"):
        Skeleton(((0.0, 0.0),))
