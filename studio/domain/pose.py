"""A body pose as data: OpenPose's 18 keypoints (the COCO-18 layout OpenPose ControlNets read).

Points are fractions of the image (0..1, x right, y down) so one skeleton draws at any size and
a pose editor can move them; a point that is ``None`` is not seen (a hidden ear) and neither it
nor the limbs that end on it are drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from studio.domain.errors import InvalidRequestError

KEYPOINT_NAMES = (
    "nose", "neck",
    "right_shoulder", "right_elbow", "right_wrist",
    "left_shoulder", "left_elbow", "left_wrist",
    "right_hip", "right_knee", "right_ankle",
    "left_hip", "left_knee", "left_ankle",
    "right_eye", "left_eye", "right_ear", "left_ear",
)  # fmt: skip
"""OpenPose's body keypoint order (index 0 is the nose, 1 the neck)."""

LIMBS = (
    (1, 2), (1, 5), (2, 3), (3, 4), (5, 6), (6, 7),
    (1, 8), (8, 9), (9, 10), (1, 11), (11, 12), (12, 13),
    (1, 0), (0, 14), (14, 16), (0, 15), (15, 17),
)  # fmt: skip
"""The 17 limbs OpenPose draws, as keypoint index pairs, in its drawing order."""

Point = tuple[float, float] | None


@dataclass(frozen=True)
class Skeleton:
    """One body: 18 points, each ``(x, y)`` in fractions of the image or ``None`` (unseen)."""

    points: tuple[Point, ...]

    def __post_init__(self) -> None:
        points = tuple(self.points)
        if len(points) != len(KEYPOINT_NAMES):
            raise InvalidRequestError(
                f"A pose has {len(KEYPOINT_NAMES)} points (OpenPose's layout), not {len(points)}."
            )
        checked = tuple(None if point is None else _checked(point) for point in points)
        object.__setattr__(self, "points", checked)

    def moved(self, name: str, x: float, y: float) -> Skeleton:
        """A copy with the point ``name`` at ``(x, y)`` (what dragging it in an editor does)."""
        if name not in KEYPOINT_NAMES:
            raise InvalidRequestError(f"A pose has no point named {name!r:.40}.")
        points = list(self.points)
        points[KEYPOINT_NAMES.index(name)] = (x, y)
        return replace(self, points=tuple(points))

    def to_list(self) -> list[list[float] | None]:
        """JSON form: a list of ``[x, y]`` or ``null``, in keypoint order."""
        return [None if point is None else [point[0], point[1]] for point in self.points]

    @classmethod
    def from_list(cls, data: object) -> Skeleton:
        """A skeleton from :meth:`to_list` output; one line when it is not one."""
        if not isinstance(data, list):
            raise InvalidRequestError("A stored pose must be a list of points.")
        points: list[Point] = []
        for item in data:
            if item is None:
                points.append(None)
            elif isinstance(item, list) and len(item) == 2:
                points.append((item[0], item[1]))
            else:
                raise InvalidRequestError("A pose point must be [x, y] or null.")
        return cls(tuple(points))


def _checked(point: tuple[float, float]) -> tuple[float, float]:
    x, y = point
    for value in (x, y):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise InvalidRequestError(f"A pose point holds {value!r:.20}, not a number.")
    return float(x), float(y)


STANDING = Skeleton(
    (
        (0.50, 0.14), (0.50, 0.24),
        (0.40, 0.24), (0.37, 0.38), (0.35, 0.52),
        (0.60, 0.24), (0.63, 0.38), (0.65, 0.52),
        (0.44, 0.52), (0.44, 0.70), (0.44, 0.88),
        (0.56, 0.52), (0.56, 0.70), (0.56, 0.88),
        (0.48, 0.12), (0.52, 0.12), (0.46, 0.13), (0.54, 0.13),
    )
)  # fmt: skip
"""A person standing facing the viewer: the pose a new pose control starts from."""
