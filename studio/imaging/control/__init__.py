"""Control images for ControlNets, made from the canvas without extra weights.

Pure numpy and PIL (with scipy and scikit-image): edges (:mod:`.edges`), the artist's scribble
and blockout (:mod:`.flat`), OpenPose skeletons (:mod:`.pose`), one entry point per kind here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from studio.domain.control import canonical_kind
from studio.domain.errors import InvalidRequestError
from studio.domain.pose import Skeleton
from studio.imaging.control.edges import canny_edges, soft_edges
from studio.imaging.control.flat import blockout_areas, scribble_lines
from studio.imaging.control.pose import draw_skeletons

__all__ = ["make_control_image"]


def make_control_image(
    kind: str,
    pixels: np.ndarray | None = None,
    *,
    skeletons: Sequence[Skeleton] = (),
    size: tuple[int, int] | None = None,
) -> np.ndarray:
    """The control image of ``kind``, ``(H, W, 3)`` ``uint8``, as its ControlNet expects.

    Parameters
    ----------
    kind
        One of :data:`studio.domain.control.CONTROL_KINDS` (aliases forgiven).
    pixels
        The source image ``(H, W, 3|4)`` ``uint8``: the canvas for edges, the drawing for a
        scribble or blockout, the control image itself for ``none`` (or a finished pose
        image for ``openpose`` without skeletons).
    skeletons
        The bodies of an ``openpose`` control, drawn at ``size`` (or the size of ``pixels``).
    size
        ``(width, height)`` of a pose drawn from skeletons.

    Raises
    ------
    InvalidRequestError
        One line when the kind needs an image and none was given.
    """
    kind = canonical_kind(kind)
    if kind == "openpose" and skeletons:
        if size is None and pixels is None:
            raise InvalidRequestError("A pose control needs a size or an image to draw on.")
        if size is None:
            size = (pixels.shape[1], pixels.shape[0])  # type: ignore[union-attr]  # checked
        return draw_skeletons(skeletons, *size)
    if pixels is None:
        raise InvalidRequestError(f"A {kind} control needs an image: give one.")
    match kind:
        case "canny":
            return canny_edges(pixels)
        case "softedge":
            return soft_edges(pixels)
        case "scribble":
            return scribble_lines(pixels)
        case "blockout":
            return blockout_areas(pixels)
        case _:  # none, or a pose image made elsewhere: used as it is
            return np.ascontiguousarray(pixels[:, :, :3])
