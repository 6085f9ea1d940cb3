"""Animation poses as data: a named list of OpenPose skeletons played at a frame rate.

The shipped sequences (walk, run, idle, attack) are a side view of one character facing right,
computed from a few joint angles per frame (:class:`JointAngles`) rather than typed as 18
points each, so a cycle stays a cycle and a limb keeps its length. A sequence is edited as its
JSON form (:meth:`PoseSequence.to_dict`), the skeletons as :meth:`Skeleton.to_list` writes them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from studio.domain.errors import InvalidRequestError
from studio.domain.json_depth import JsonRefusedError, loads_bounded
from studio.domain.pose import KEYPOINT_NAMES, Skeleton

MAX_POSES = 64
MAX_FPS = 240.0
_NAME_LIMIT = 40
_JSON_DEPTH = 8  # object > poses > pose > point, with room to spare

# Segment lengths, in fractions of the image height, of a figure about 0.8 tall.
_NECK = (0.5, 0.24)
_TORSO = 0.28
_THIGH, _SHIN = 0.19, 0.18
_UPPER_ARM, _FOREARM = 0.14, 0.13
_DEPTH = 0.012  # the far limbs sit a little behind the near ones, so both are drawn


@dataclass(frozen=True)
class JointAngles:
    """One frame of a side view, in degrees from straight down, positive toward the front.

    ``knee`` and ``elbow`` are bends (a knee folds backward, an elbow forward); ``lean`` tips
    the torso forward; ``lift`` raises the whole body (a step's bob), in image fractions.
    """

    near_thigh: float = 0.0
    near_knee: float = 0.0
    far_thigh: float = 0.0
    far_knee: float = 0.0
    near_arm: float = 0.0
    near_elbow: float = 0.0
    far_arm: float = 0.0
    far_elbow: float = 0.0
    lean: float = 0.0
    lift: float = 0.0


def side_view(angles: JointAngles) -> Skeleton:
    """The skeleton of a character facing right with these joint angles.

    Facing right, the viewer sees the character's right side: the right limbs are the near
    ones, and only the right eye and ear show.
    """
    neck = (_NECK[0], _NECK[1] - angles.lift)
    lean = math.radians(angles.lean)
    # Down the torso; leaning forward puts the hip behind the neck.
    hip = _along(neck, _TORSO, -angles.lean)
    head = (neck[0] + 0.07 * math.sin(lean) + 0.045, neck[1] - 0.09)
    points: dict[str, tuple[float, float] | None] = {
        "neck": neck,
        "nose": head,
        "right_eye": (head[0] - 0.02, head[1] - 0.015),
        "right_ear": (head[0] - 0.06, head[1] - 0.005),
        "left_eye": None,
        "left_ear": None,
    }
    for side, thigh, knee, arm, elbow, shift in (
        ("right", angles.near_thigh, angles.near_knee, angles.near_arm, angles.near_elbow, 0.0),
        ("left", angles.far_thigh, angles.far_knee, angles.far_arm, angles.far_elbow, _DEPTH),
    ):
        shoulder = (neck[0] + shift, neck[1] + 0.01)
        hip_point = (hip[0] + shift, hip[1])
        knee_point = _along(hip_point, _THIGH, thigh)
        elbow_point = _along(shoulder, _UPPER_ARM, arm)
        points[f"{side}_shoulder"] = shoulder
        points[f"{side}_elbow"] = elbow_point
        points[f"{side}_wrist"] = _along(elbow_point, _FOREARM, arm + elbow)
        points[f"{side}_hip"] = hip_point
        points[f"{side}_knee"] = knee_point
        points[f"{side}_ankle"] = _along(knee_point, _SHIN, thigh - knee)
    return Skeleton(tuple(points[name] for name in KEYPOINT_NAMES))


def _along(start: tuple[float, float], length: float, degrees: float) -> tuple[float, float]:
    # 0 degrees points down (+y), positive turns toward the front (+x).
    angle = math.radians(degrees)
    return (start[0] + length * math.sin(angle), start[1] + length * math.cos(angle))


@dataclass(frozen=True)
class PoseSequence:
    """A named animation: one skeleton per frame, played at ``fps`` frames per second."""

    name: str
    fps: float
    poses: tuple[Skeleton, ...]

    def __post_init__(self) -> None:
        name = self.name.strip() if isinstance(self.name, str) else ""
        if not name or len(name) > _NAME_LIMIT:
            raise InvalidRequestError(
                f"A pose sequence needs a name of 1 to {_NAME_LIMIT} characters."
            )
        object.__setattr__(self, "name", name)
        fps = self.fps
        if isinstance(fps, bool) or not isinstance(fps, int | float) or not math.isfinite(fps):
            raise InvalidRequestError(f"Pose sequence {name!r}: fps must be a number.")
        if not 0 < fps <= MAX_FPS:
            raise InvalidRequestError(
                f"Pose sequence {name!r}: fps {fps:g} is out of range: use 1 to {MAX_FPS:g}."
            )
        object.__setattr__(self, "fps", float(fps))
        poses = tuple(self.poses)
        if not 1 <= len(poses) <= MAX_POSES:
            raise InvalidRequestError(
                f"Pose sequence {name!r} has {len(poses)} poses: use 1 to {MAX_POSES}."
            )
        if not all(isinstance(pose, Skeleton) for pose in poses):
            raise InvalidRequestError(f"Pose sequence {name!r}: every pose must be a skeleton.")
        object.__setattr__(self, "poses", poses)

    def with_pose(self, index: int, pose: Skeleton) -> PoseSequence:
        """A copy with frame ``index`` replaced (what the pose editor does on a drag)."""
        poses = list(self.poses)
        poses[index] = pose
        return PoseSequence(self.name, self.fps, tuple(poses))

    def to_dict(self) -> dict[str, Any]:
        """JSON form: ``{"name", "fps", "poses": [[[x, y] | null, ...18], ...]}``."""
        return {"name": self.name, "fps": self.fps, "poses": [p.to_list() for p in self.poses]}

    @classmethod
    def from_dict(cls, data: object) -> PoseSequence:
        """A sequence from :meth:`to_dict` output; one line when it is not one."""
        if not isinstance(data, dict) or not isinstance(data.get("poses"), list):
            raise InvalidRequestError(
                'A pose sequence is a JSON object {"name": ..., "fps": ..., "poses": [...]}.'
            )
        poses = data["poses"]
        if len(poses) > MAX_POSES:
            raise InvalidRequestError(f"A pose sequence holds at most {MAX_POSES} poses.")
        return cls(
            name=data.get("name", ""),
            fps=data.get("fps", 0),
            poses=tuple(Skeleton.from_list(pose) for pose in poses),
        )

    @classmethod
    def from_json(cls, text: str, source: str = "The pose file") -> PoseSequence:
        """A sequence from its JSON text (depth-bounded); one line naming ``source`` when
        it is not one."""
        try:
            data = loads_bounded(text, max_depth=_JSON_DEPTH)
        except JsonRefusedError as exc:
            raise InvalidRequestError(f"{source} {exc}: save it as a pose sequence.") from None
        try:
            return cls.from_dict(data)
        except InvalidRequestError as exc:
            raise InvalidRequestError(f"{source}: {exc}") from None


def _cycle(frames: int, make: Any) -> tuple[Skeleton, ...]:
    return tuple(side_view(make(2 * math.pi * i / frames)) for i in range(frames))


def _gait(thigh: float, knee: float, arm: float, elbow: float, lean: float, bob: float) -> Any:
    """A walking or running cycle: legs swing in opposition, the arms against the legs, the
    knee folds most on the leg swinging forward, the body rises at mid-stride."""

    def frame(t: float) -> JointAngles:
        swing, fold = math.sin(t), math.cos(t)
        return JointAngles(
            near_thigh=thigh * swing,
            near_knee=knee * (0.25 + max(0.0, -fold)),
            far_thigh=-thigh * swing,
            far_knee=knee * (0.25 + max(0.0, fold)),
            near_arm=-arm * swing,
            near_elbow=elbow,
            far_arm=arm * swing,
            far_elbow=elbow,
            lean=lean,
            lift=bob * abs(fold),
        )

    return frame


def _idle(t: float) -> JointAngles:
    # The chest rises (sin) while the arms sway a quarter cycle behind (cos), so no two
    # frames of the loop are the same pose.
    breath, sway = math.sin(t), math.cos(t)
    return JointAngles(
        near_thigh=4,
        near_knee=4,
        far_thigh=-4,
        far_knee=4,
        near_arm=5 + 3 * sway,
        near_elbow=10,
        far_arm=-5 - 3 * sway,
        far_elbow=10,
        lift=0.006 * breath,
    )


# A sword stroke: wind up behind the head, strike down in front, recover.
_ATTACK_ARM = (10, -60, -150, -160, 60, 90, 40)
_ATTACK_ELBOW = (20, 60, 40, 20, 10, 10, 20)
_ATTACK_LEAN = (0, -8, -10, -6, 15, 18, 6)


def _attack() -> tuple[Skeleton, ...]:
    return tuple(
        side_view(
            JointAngles(
                near_thigh=22,
                near_knee=15,
                far_thigh=-18,
                far_knee=8,
                near_arm=arm,
                near_elbow=elbow,
                far_arm=-15,
                far_elbow=30,
                lean=lean,
            )
        )
        for arm, elbow, lean in zip(_ATTACK_ARM, _ATTACK_ELBOW, _ATTACK_LEAN, strict=True)
    )


def _builtin() -> dict[str, PoseSequence]:
    return {
        "walk": PoseSequence("walk", 8, _cycle(8, _gait(25, 30, 20, 15, 0, 0.01))),
        "run": PoseSequence("run", 12, _cycle(6, _gait(45, 75, 40, 80, 12, 0.025))),
        "idle": PoseSequence("idle", 4, _cycle(4, _idle)),
        "attack": PoseSequence("attack", 10, _attack()),
    }


SEQUENCE_NAMES = ("walk", "run", "idle", "attack")
"""The pose sequences Studio ships, by name."""


def builtin_sequence(name: str) -> PoseSequence:
    """The shipped sequence ``name`` (case forgiven); one line naming the others if none."""
    found = _builtin().get(name.strip().lower())
    if found is None:
        raise InvalidRequestError(
            f"There is no pose sequence {name!r:.40}: use one of {', '.join(SEQUENCE_NAMES)} "
            "or a JSON file of your own."
        )
    return found
