"""OpenPose skeletons drawn the way OpenPose ControlNets were trained to read them.

The layout is OpenPose's body renderer as the ControlNet 1.1 annotator draws it: black canvas,
each of the 17 limbs a filled ellipse 4 pixels wide in its own colour at 60 % brightness, then
each of the 18 keypoints a disc of radius 4 in its full colour. The colours step round the hue
circle in OpenPose's published order (red, orange, yellow, ... magenta, rose).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from PIL import Image, ImageDraw

from studio.domain.pose import LIMBS, Skeleton

OPENPOSE_COLOURS = (
    (255, 0, 0), (255, 85, 0), (255, 170, 0), (255, 255, 0), (170, 255, 0), (85, 255, 0),
    (0, 255, 0), (0, 255, 85), (0, 255, 170), (0, 255, 255), (0, 170, 255), (0, 85, 255),
    (0, 0, 255), (85, 0, 255), (170, 0, 255), (255, 0, 255), (255, 0, 170), (255, 0, 85),
)  # fmt: skip
"""OpenPose's colour of limb ``i`` and of keypoint ``i``."""
STICK_WIDTH = 4
POINT_RADIUS = 4
LIMB_BRIGHTNESS = 0.6
_ELLIPSE_POINTS = 36


def draw_skeletons(skeletons: Iterable[Skeleton], width: int, height: int) -> np.ndarray:
    """The pose image of ``skeletons`` at ``width`` x ``height``: ``(H, W, 3)`` ``uint8``."""
    canvas = Image.new("RGB", (width, height), (0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    bodies = [_to_pixels(skeleton, width, height) for skeleton in skeletons]
    for body in bodies:
        for index, (a, b) in enumerate(LIMBS):
            start, end = body[a], body[b]
            if start is not None and end is not None:
                colour = tuple(int(c * LIMB_BRIGHTNESS) for c in OPENPOSE_COLOURS[index])
                draw.polygon(_limb_outline(start, end), fill=colour)
    for body in bodies:
        for index, point in enumerate(body):
            if point is not None:
                x, y = point
                box = (x - POINT_RADIUS, y - POINT_RADIUS, x + POINT_RADIUS, y + POINT_RADIUS)
                draw.ellipse(box, fill=OPENPOSE_COLOURS[index])
    return np.asarray(canvas)


def _to_pixels(skeleton: Skeleton, width: int, height: int) -> list[tuple[float, float] | None]:
    return [
        None if point is None else (point[0] * width, point[1] * height)
        for point in skeleton.points
    ]


def _limb_outline(
    start: tuple[float, float], end: tuple[float, float]
) -> list[tuple[float, float]]:
    """An ellipse from ``start`` to ``end``, ``STICK_WIDTH`` pixels in half-width."""
    centre_x, centre_y = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
    half_length = math.hypot(end[0] - start[0], end[1] - start[1]) / 2
    angle = math.atan2(end[1] - start[1], end[0] - start[0])
    cos, sin = math.cos(angle), math.sin(angle)
    outline = []
    for step in range(_ELLIPSE_POINTS):
        t = 2 * math.pi * step / _ELLIPSE_POINTS
        along, across = half_length * math.cos(t), STICK_WIDTH * math.sin(t)
        outline.append(
            (centre_x + along * cos - across * sin, centre_y + along * sin + across * cos)
        )
    return outline
