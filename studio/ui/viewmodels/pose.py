"""The pose editor as a view-model: one OpenPose skeleton, moved a joint at a time, with undo.

The skeleton is the domain's :class:`~studio.domain.pose.Skeleton` (points in fractions of the
image), so what the editor shows is what a pose control or a character-sheet frame draws. A
drag is one undo step however many mouse moves it took; Reset is one step too, so it can be
undone. The undo history belongs to the editor, not the window: Ctrl+Z in the editor must not
undo a history delete behind it. No widgets here: a test drives it as the editor does.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, Signal

from studio.domain.pose import KEYPOINT_NAMES, STANDING, Skeleton
from studio.ui.properties import Property, ViewModel

MAX_UNDO = 100  # drags kept; older ones are dropped first


class PoseViewModel(ViewModel):
    """One skeleton being edited.

    Parameters
    ----------
    skeleton
        The pose to start from; :meth:`reset_pose` returns to it.

    Signals
    -------
    skeleton_changed(Skeleton)
        The pose changed (every mouse move of a drag, an undo, a reset).
    can_undo_changed(bool), can_redo_changed(bool)
        Whether :meth:`undo` / :meth:`redo` would do something.
    """

    skeleton: Property[Skeleton] = Property(STANDING)
    skeleton_changed = Signal(object)
    can_undo = Property(False)
    can_undo_changed = Signal(object)
    can_redo = Property(False)
    can_redo_changed = Signal(object)

    def __init__(self, skeleton: Skeleton = STANDING, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._undo: list[Skeleton] = []
        self._redo: list[Skeleton] = []
        self._dragged: int | None = None
        self._before_drag: Skeleton | None = None
        self.load(skeleton)

    def load(self, skeleton: Skeleton) -> None:
        """Edit ``skeleton`` from now on: it is what Reset returns to; the undo history goes."""
        self.original = skeleton
        self.skeleton = skeleton
        self._undo.clear()
        self._redo.clear()
        self._dragged = None
        self._sync()

    def joint_at(
        self, x: float, y: float, reach: float, width: float = 1.0, height: float = 1.0
    ) -> int | None:
        """The index of the seen joint nearest ``(x, y)`` within ``reach``, or ``None``.

        ``x``, ``y`` are fractions of the image; distances are measured after scaling by
        ``width`` and ``height`` (the editor's pixels), so ``reach`` is in those units.
        """
        best: tuple[float, int] | None = None
        for index, point in enumerate(self.skeleton.points):
            if point is None:
                continue
            distance = math.hypot((point[0] - x) * width, (point[1] - y) * height)
            if distance <= reach and (best is None or distance < best[0]):
                best = (distance, index)
        return None if best is None else best[1]

    def begin_drag(self, index: int) -> None:
        """Start moving joint ``index`` (the pose before it is the undo step)."""
        self._dragged = index
        self._before_drag = self.skeleton

    def drag_to(self, x: float, y: float) -> None:
        """Move the dragged joint to ``(x, y)``, kept inside the image; nothing if none is."""
        if self._dragged is None:
            return
        x, y = min(max(x, 0.0), 1.0), min(max(y, 0.0), 1.0)
        self.skeleton = self.skeleton.moved(KEYPOINT_NAMES[self._dragged], x, y)

    def end_drag(self) -> None:
        """Finish the drag: one undo step when the joint moved."""
        if self._before_drag is not None and self._before_drag != self.skeleton:
            self._push(self._before_drag)
        self._dragged, self._before_drag = None, None

    @property
    def dragging(self) -> int | None:
        """The joint being dragged, or ``None``."""
        return self._dragged

    def reset_pose(self) -> None:
        """Back to the pose the editor was given (an undoable step)."""
        if self.skeleton != self.original:
            self._push(self.skeleton)
            self.skeleton = self.original

    def undo(self) -> None:
        """Take back the last drag or reset."""
        if self._undo:
            self._redo.append(self.skeleton)
            self.skeleton = self._undo.pop()
            self._sync()

    def redo(self) -> None:
        """Do again what :meth:`undo` took back."""
        if self._redo:
            self._undo.append(self.skeleton)
            self.skeleton = self._redo.pop()
            self._sync()

    def _push(self, before: Skeleton) -> None:
        self._undo.append(before)
        del self._undo[:-MAX_UNDO]
        self._redo.clear()
        self._sync()

    def _sync(self) -> None:
        self.can_undo = bool(self._undo)
        self.can_redo = bool(self._redo)
