"""Shipped pose sequences: computed from joint angles, 4 to 8 frames, editable as JSON."""

from __future__ import annotations

import json
import math

import pytest

from studio.domain.errors import InvalidRequestError
from studio.domain.pose import KEYPOINT_NAMES
from studio.domain.pose_sequences import SEQUENCE_NAMES, PoseSequence, builtin_sequence


def _length(pose, a: str, b: str) -> float:
    pa, pb = pose.points[KEYPOINT_NAMES.index(a)], pose.points[KEYPOINT_NAMES.index(b)]
    return math.dist(pa, pb)


@pytest.mark.parametrize("name", SEQUENCE_NAMES)
def test_each_shipped_sequence_moves_with_limbs_of_one_length(name) -> None:
    sequence = builtin_sequence(name)
    assert 4 <= len(sequence.poses) <= 8 and sequence.fps > 0
    assert len(set(sequence.poses)) == len(sequence.poses)  # every frame a different pose
    for limb in (("right_hip", "right_knee"), ("left_elbow", "left_wrist")):
        lengths = {round(_length(pose, *limb), 6) for pose in sequence.poses}
        assert len(lengths) == 1
    for pose in sequence.poses:
        assert all(p is None or (-0.2 < p[0] < 1.2 and -0.2 < p[1] < 1.2) for p in pose.points)


@pytest.mark.parametrize("name", SEQUENCE_NAMES)
def test_every_shipped_figure_stands_upright_inside_the_image(name) -> None:
    # The hips were once drawn above the head (the torso pointed up), seen in the pose editor.
    def y(pose, point: str) -> float:
        return pose.points[KEYPOINT_NAMES.index(point)][1]

    for pose in builtin_sequence(name).poses:
        assert y(pose, "nose") < y(pose, "neck") < y(pose, "right_hip") < y(pose, "right_knee")
        # A running stride kicks the heel up behind, at most to the hip.
        assert y(pose, "neck") < y(pose, "right_ankle") <= 1.0
        assert all(p is None or (0 <= p[0] <= 1 and 0 <= p[1] <= 1) for p in pose.points)


def test_a_walk_swings_its_legs_in_opposition() -> None:
    walk = builtin_sequence("WALK")
    knee = KEYPOINT_NAMES.index("right_knee")
    xs = [pose.points[knee][0] for pose in walk.poses]
    assert max(xs) - min(xs) > 0.1


def test_a_sequence_round_trips_through_json_with_an_edit() -> None:
    walk = builtin_sequence("walk")
    edited = walk.with_pose(2, walk.poses[2].moved("left_wrist", 0.9, 0.1))
    again = PoseSequence.from_json(json.dumps(edited.to_dict()))
    assert again == edited and again.poses[2] != walk.poses[2]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[1, 2]", "is a JSON object"),
        ('{"name": "x", "fps": 0, "poses": []}', "fps 0 is out of range"),
        ('{"name": "x", "fps": 8, "poses": []}', "has 0 poses"),
        ("[" * 100, "nests deeper"),
        ("{", "not valid JSON"),
    ],
)
def test_a_file_that_is_not_a_sequence_is_one_line(text, fragment) -> None:
    with pytest.raises(InvalidRequestError, match=fragment) as caught:
        PoseSequence.from_json(text, source="mine.json")
    assert str(caught.value).startswith("mine.json") and "\n" not in str(caught.value)
