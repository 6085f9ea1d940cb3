"""The pose editor: an OpenPose skeleton drawn in OpenPose's colours, its joints dragged.

:class:`PoseEditor` paints :class:`~studio.ui.viewmodels.pose.PoseViewModel`'s skeleton the
way the pose control image draws it (each limb in its OpenPose colour at 60 % brightness, each
joint a disc in its full colour, on black), in a frame of the image's aspect, and moves the
joint under the mouse. Ctrl+Z / Ctrl+Shift+Z inside it undo and redo a drag, taken before the
window's own Undo sees them. :class:`PoseEditorPanel` adds Undo and Reset buttons;
:class:`PoseDialog` is the editor on its own, for the Control panel's pose units.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.domain.pose import KEYPOINT_NAMES, LIMBS, Skeleton
from studio.imaging.control.pose import LIMB_BRIGHTNESS, OPENPOSE_COLOURS
from studio.ui.viewmodels.pose import PoseViewModel

JOINT_RADIUS = 5.0  # pixels on screen, whatever the editor's size
REACH = 12.0  # how far from a joint a press still picks it, in pixels
HOW_TO = "Drag a joint to pose the figure; Ctrl+Z undoes a drag."
_BACKDROP = QColor(48, 48, 48)  # around the frame, so the black image's edges show
_KEYS = QKeySequence.StandardKey


class PoseEditor(QWidget):
    """Paints the skeleton and drags its joints; see the module docstring.

    Parameters
    ----------
    view_model
        The pose and its undo history.
    aspect
        ``(width, height)`` of the image the pose is for; the frame keeps its shape.
    """

    def __init__(
        self,
        view_model: PoseViewModel,
        aspect: tuple[int, int] = (1, 1),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("poseEditor")
        self.view_model = view_model
        self.aspect = aspect
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setMinimumSize(160, 160)
        self.setToolTip(HOW_TO)
        self._hovered: int | None = None
        view_model.skeleton_changed.connect(lambda _s: self.update())

    def set_aspect(self, width: int, height: int) -> None:
        """Show the frame at the shape of a ``width`` x ``height`` image."""
        self.aspect = (max(width, 1), max(height, 1))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(260, 260)

    def frame(self) -> QRectF:
        """Where the image lies in the widget: the largest rectangle of its aspect, centred."""
        width, height = self.aspect
        scale = min((self.width() - 2) / width, (self.height() - 2) / height)
        shown = QRectF(0, 0, width * scale, height * scale)
        shown.moveCenter(QRectF(self.rect()).center())
        return shown

    def point_at(self, index: int) -> QPointF | None:
        """The on-screen position of joint ``index`` (``None`` when it is not seen)."""
        point = self.view_model.skeleton.points[index]
        if point is None:
            return None
        frame = self.frame()
        return QPointF(
            frame.left() + point[0] * frame.width(), frame.top() + point[1] * frame.height()
        )

    # -- painting ---------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), _BACKDROP)
        frame = self.frame()
        painter.fillRect(frame, Qt.GlobalColor.black)
        points = [self.point_at(index) for index in range(len(KEYPOINT_NAMES))]
        stick = max(3.0, frame.height() * 0.015)
        for index, (a, b) in enumerate(LIMBS):
            start, end = points[a], points[b]
            if start is not None and end is not None:
                colour = QColor(*(int(c * LIMB_BRIGHTNESS) for c in OPENPOSE_COLOURS[index]))
                pen = QPen(colour, stick)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                painter.setPen(pen)
                painter.drawLine(start, end)
        active = self.view_model.dragging
        active = self._hovered if active is None else active
        for index, point in enumerate(points):
            if point is None:
                continue
            outline = Qt.GlobalColor.white if index == active else Qt.GlobalColor.transparent
            painter.setPen(QPen(outline, 2))
            painter.setBrush(QColor(*OPENPOSE_COLOURS[index]))
            painter.drawEllipse(point, JOINT_RADIUS, JOINT_RADIUS)
        painter.end()

    # -- the mouse --------------------------------------------------------------------------

    def _fraction(self, position: QPointF) -> tuple[float, float]:
        frame = self.frame()
        return (
            (position.x() - frame.left()) / frame.width(),
            (position.y() - frame.top()) / frame.height(),
        )

    def _joint_under(self, position: QPointF) -> int | None:
        x, y = self._fraction(position)
        frame = self.frame()
        return self.view_model.joint_at(x, y, REACH, frame.width(), frame.height())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        joint = self._joint_under(event.position())
        if joint is not None:
            self.view_model.begin_drag(joint)
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.view_model.dragging is not None:
            self.view_model.drag_to(*self._fraction(event.position()))
            return
        hovered = self._joint_under(event.position())
        if hovered != self._hovered:
            self._hovered = hovered
            name = "" if hovered is None else KEYPOINT_NAMES[hovered].replace("_", " ")
            self.setCursor(Qt.CursorShape.OpenHandCursor if name else Qt.CursorShape.ArrowCursor)
            self.setToolTip(name or HOW_TO)
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.view_model.dragging is not None:
            self.view_model.end_drag()
            self.setCursor(Qt.CursorShape.OpenHandCursor)
            self.update()
        event.accept()

    # -- the keys ---------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        # The window's Undo is a window-wide shortcut; claiming the keys here lets Ctrl+Z
        # undo the last drag while the editor has the focus, and the history's elsewhere.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and (event.matches(_KEYS.Undo) or event.matches(_KEYS.Redo) or _is_shift_undo(event))
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(_KEYS.Redo) or _is_shift_undo(event):
            self.view_model.redo()
        elif event.matches(_KEYS.Undo):
            self.view_model.undo()
        else:
            super().keyPressEvent(event)


def _is_shift_undo(event: QKeyEvent) -> bool:
    # Ctrl+Shift+Z is the window's second Redo key (README); it is redo here too.
    wanted = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    return event.key() == Qt.Key.Key_Z and event.modifiers() == wanted


class PoseEditorPanel(QWidget):
    """``editor`` with Undo and Reset buttons under it and a line saying how to pose."""

    def __init__(self, editor: PoseEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.view_model = view_model = editor.view_model
        self.undo_button = QPushButton("Undo")
        self.undo_button.setToolTip("Take back the last drag (Ctrl+Z in the editor)")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Back to the pose this editor started from")
        self.undo_button.clicked.connect(view_model.undo)
        self.reset_button.clicked.connect(view_model.reset_pose)
        view_model.can_undo_changed.connect(self.undo_button.setEnabled)
        self.undo_button.setEnabled(view_model.can_undo)
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        # Said in the panel, not only in a tooltip: under Xvfb nothing told a new user that
        # the joints move.
        self.how_to = QLabel(HOW_TO)
        self.how_to.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.how_to)
        layout.addLayout(buttons)


class PoseDialog(QDialog):
    """Edit one pose; :attr:`skeleton` is the edited pose once accepted."""

    def __init__(
        self, skeleton: Skeleton, aspect: tuple[int, int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("poseDialog")
        self.setWindowTitle("Edit Pose")
        self.view_model = PoseViewModel(skeleton, self)
        self.panel = PoseEditorPanel(PoseEditor(self.view_model, aspect))
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel, 1)
        layout.addWidget(box)
        self.resize(360, 420)

    @property
    def skeleton(self) -> Skeleton:
        """The pose as edited."""
        return self.view_model.skeleton
