"""The Control panel as a view-model: the ControlNet units the next Generate carries.

Each unit (:class:`ControlDraft`) keeps the image it was made from (the canvas, a file) beside
its :class:`~studio.domain.control.ControlSpec`, so changing the kind remakes the control image
from the same source with :func:`studio.imaging.control.make_control_image`, as the preview
shows it. A pose unit can instead be drawn from a skeleton the pose editor moved
(:meth:`ControlViewModel.set_pose`), at the size of the next image. A unit read back from a
recipe has settings but no image; Generate refuses it in one line until an image is added
again. No widgets here: a test drives it as the panel does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from studio.domain.control import MAX_CONTROLS, ControlSpec
from studio.domain.errors import InvalidRequestError
from studio.domain.pose import STANDING, Skeleton
from studio.imaging.control import make_control_image
from studio.imaging.decode import load_pixels
from studio.imaging.png import encode_png
from studio.ui.properties import Property
from studio.ui.viewmodels.canvas_source import CanvasReadingViewModel

EMPTY_TEXT = "No controls. Add one to guide the pose or the outline."
"""What the panel says while there is no unit (it explains what a control is for)."""


@dataclass(frozen=True, eq=False, slots=True)
class ControlDraft:
    """One unit being edited: its settings, its source pixels and the control image made.

    Each change makes a new draft, told apart by identity (the arrays have no ``==``).

    Attributes
    ----------
    spec
        The unit as the request carries it (``spec.image`` is the control image's PNG).
    pixels
        The source the control image was made from (``None``: no image yet).
    control
        The control image ``(H, W, 3)`` the preview shows (``None`` with no source).
    pose
        The skeleton a pose unit was drawn from (``None``: its image came from elsewhere).
    """

    spec: ControlSpec
    pixels: np.ndarray | None = None
    control: np.ndarray | None = None
    pose: Skeleton | None = None


class ControlViewModel(CanvasReadingViewModel):
    """The units of the next Generate, in order (at most :data:`MAX_CONTROLS`)."""

    units: Property[tuple[ControlDraft, ...]] = Property(())
    units_changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # The size a pose is drawn at; the Generate view-model hands its own width and height.
        self.pose_size: Callable[[], tuple[int, int]] = lambda: (512, 512)

    def add(self, kind: str = "canny") -> int:
        """Add a unit of ``kind`` without an image; returns its index.

        Raises
        ------
        InvalidRequestError
            With :data:`MAX_CONTROLS` units already.
        """
        if len(self.units) >= MAX_CONTROLS:
            raise InvalidRequestError(f"At most {MAX_CONTROLS} controls: remove one first.")
        self.units = (*self.units, ControlDraft(ControlSpec(kind)))
        return len(self.units) - 1

    def remove(self, index: int) -> None:
        """Drop the unit at ``index``."""
        self.units = self.units[:index] + self.units[index + 1 :]

    def update(self, index: int, **settings: Any) -> None:
        """Change a unit's kind, weight, start, end or model.

        A new kind remakes the control image from the unit's source.

        Raises
        ------
        InvalidRequestError
            A value the unit refuses (start not before end, a weight out of range); the unit
            is left as it was.
        """
        draft = self.units[index]
        spec = replace(draft.spec, **settings)
        if spec.kind != draft.spec.kind and draft.pixels is not None:
            self._set(index, _made(spec, draft.pixels))
        else:
            self._set(index, replace(draft, spec=spec))

    def set_image(self, index: int, pixels: np.ndarray, source: str) -> None:
        """Make the unit's control image from ``pixels`` (RGB or RGBA ``uint8``)."""
        spec = replace(self.units[index].spec, source=source)
        self._set(index, _made(spec, pixels))

    def use_file(self, index: int, path: Path) -> None:
        """Make the unit's control image from the image file at ``path``.

        Raises
        ------
        ImageReadError
            One line naming the file (missing, a FIFO, not an image, too large).
        """
        self.set_image(index, load_pixels(path, mode="RGBA"), path.name)

    def use_canvas(self, index: int) -> None:
        """Make the unit's control image from the canvas.

        Raises
        ------
        InvalidRequestError
            When no image is on the canvas.
        """
        self.set_image(index, self.canvas_pixels(), "canvas")

    def pose_of(self, index: int) -> Skeleton:
        """The skeleton unit ``index`` was drawn from, or a standing figure to start from."""
        return self.units[index].pose or STANDING

    def set_pose(self, index: int, pose: Skeleton) -> None:
        """Draw unit ``index``'s control image from ``pose`` (the unit becomes a pose unit)."""
        size = self.pose_size()
        control = make_control_image("openpose", skeletons=(pose,), size=size)
        spec = replace(self.units[index].spec, kind="openpose", source="pose editor")
        spec = replace(spec, image=encode_png(control))
        self._set(index, ControlDraft(spec, control, control, pose))

    def specs(self) -> tuple[ControlSpec, ...]:
        """The units as the request carries them.

        Raises
        ------
        InvalidRequestError
            One line naming the first unit that has no image yet.
        """
        for number, draft in enumerate(self.units, start=1):
            if draft.spec.image is None:
                raise InvalidRequestError(
                    f"Control {number} ({draft.spec.kind}) has no image: take one from the "
                    "canvas or a file, or remove the control."
                )
        return tuple(draft.spec for draft in self.units)

    def take(self, controls: tuple[ControlSpec, ...]) -> None:
        """Show a stored request's units (a recipe's come without their images)."""
        self.units = tuple(ControlDraft(spec) for spec in controls)

    def _set(self, index: int, draft: ControlDraft) -> None:
        self.units = (*self.units[:index], draft, *self.units[index + 1 :])


def _made(spec: ControlSpec, pixels: np.ndarray) -> ControlDraft:
    control = make_control_image(spec.kind, pixels)
    return ControlDraft(replace(spec, image=encode_png(control)), pixels, control)
