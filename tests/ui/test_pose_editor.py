"""The pose editor: its view-model (drag, undo, reset) without a window, the widget dragged
with the mouse, and the Control panel's pose units drawn from the edited skeleton."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import QMainWindow

from studio.domain.pose import KEYPOINT_NAMES, STANDING
from studio.imaging.control.pose import OPENPOSE_COLOURS, draw_skeletons
from studio.imaging.decode import load_pixels
from studio.ui.pose_editor import HOW_TO, PoseDialog, PoseEditor, PoseEditorPanel
from studio.ui.prompt_panel import PromptPanel
from studio.ui.viewmodels.generate import GenerateViewModel
from studio.ui.viewmodels.pose import PoseViewModel

WRIST = KEYPOINT_NAMES.index("right_wrist")


def test_a_drag_moves_one_joint_and_undoes_as_one_step() -> None:
    vm = PoseViewModel(STANDING)
    joint = vm.joint_at(0.35, 0.52, reach=0.02)
    assert joint == WRIST
    vm.begin_drag(joint)
    for x in (0.3, 0.25, 0.2):  # three mouse moves, one drag
        vm.drag_to(x, 0.3)
    vm.end_drag()
    assert vm.skeleton.points[WRIST] == (0.2, 0.3)
    assert vm.skeleton.points[:WRIST] == STANDING.points[:WRIST]
    assert vm.can_undo and not vm.can_redo
    vm.undo()
    assert vm.skeleton == STANDING and not vm.can_undo and vm.can_redo
    vm.redo()
    assert vm.skeleton.points[WRIST] == (0.2, 0.3)


def test_a_joint_stays_inside_the_image_and_a_press_off_every_joint_picks_none() -> None:
    vm = PoseViewModel(STANDING)
    assert vm.joint_at(0.9, 0.9, reach=0.02) is None
    vm.drag_to(0.1, 0.1)  # no drag begun: nothing moves
    assert vm.skeleton == STANDING and not vm.can_undo
    vm.begin_drag(0)
    vm.drag_to(-0.5, 1.7)
    vm.end_drag()
    assert vm.skeleton.points[0] == (0.0, 1.0)


def test_reset_returns_to_the_given_pose_and_can_be_undone() -> None:
    vm = PoseViewModel(STANDING)
    vm.begin_drag(WRIST)
    vm.drag_to(0.1, 0.1)
    vm.end_drag()
    vm.reset_pose()
    assert vm.skeleton == STANDING
    vm.undo()
    assert vm.skeleton.points[WRIST] == (0.1, 0.1)
    vm.load(vm.skeleton)  # a new pose to edit: its own history
    assert not vm.can_undo and vm.original.points[WRIST] == (0.1, 0.1)


@pytest.fixture
def editor(qtbot) -> PoseEditor:
    widget = PoseEditor(PoseViewModel(STANDING))
    widget.resize(300, 300)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _screen(editor: PoseEditor, index: int) -> QPoint:
    point = editor.point_at(index)
    assert point is not None
    return point.toPoint()


def test_dragging_a_joint_with_the_mouse_moves_it_in_the_skeleton(qtbot, editor) -> None:
    start = _screen(editor, WRIST)
    target = QPoint(start.x() - 60, start.y() - 80)
    qtbot.mousePress(editor, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(editor, QPoint(start.x() - 30, start.y() - 40))
    qtbot.mouseMove(editor, target)
    qtbot.mouseRelease(editor, Qt.MouseButton.LeftButton, pos=target)
    frame = editor.frame()
    x, y = editor.view_model.skeleton.points[WRIST]
    assert abs(frame.left() + x * frame.width() - target.x()) <= 1
    assert abs(frame.top() + y * frame.height() - target.y()) <= 1
    assert editor.view_model.skeleton.points[0] == STANDING.points[0]  # the nose stayed
    # Ctrl+Z in the editor takes the whole drag back.
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.view_model.skeleton == STANDING


def test_a_press_beside_every_joint_moves_nothing(qtbot, editor) -> None:
    qtbot.mousePress(editor, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    qtbot.mouseMove(editor, QPoint(150, 150))
    qtbot.mouseRelease(editor, Qt.MouseButton.LeftButton, pos=QPoint(150, 150))
    assert editor.view_model.skeleton == STANDING and not editor.view_model.can_undo


def test_the_editor_paints_the_openpose_colours_on_black(editor) -> None:
    image = editor.grab().toImage()
    nose = _screen(editor, 0)
    assert QColor(image.pixel(nose)).getRgb()[:3] == OPENPOSE_COLOURS[0]
    corner = editor.frame().topLeft().toPoint() + QPoint(2, 2)
    assert QColor(image.pixel(corner)).getRgb()[:3] == (0, 0, 0)


def test_a_wide_image_gets_a_wide_frame(editor) -> None:
    editor.set_aspect(1024, 512)
    frame = editor.frame()
    assert abs(frame.width() / frame.height() - 2.0) < 0.02


def test_the_panel_buttons_undo_and_reset(qtbot) -> None:
    vm = PoseViewModel(STANDING)
    panel = PoseEditorPanel(PoseEditor(vm))
    qtbot.addWidget(panel)
    panel.show()
    assert panel.how_to.isVisible() and panel.how_to.text() == HOW_TO  # not only a tooltip
    assert not panel.undo_button.isEnabled()
    vm.begin_drag(WRIST)
    vm.drag_to(0.1, 0.1)
    vm.end_drag()
    assert panel.undo_button.isEnabled()
    panel.reset_button.click()
    assert vm.skeleton == STANDING
    panel.undo_button.click()
    assert vm.skeleton.points[WRIST] == (0.1, 0.1)


def test_the_control_panel_draws_a_pose_unit_from_the_edited_skeleton(qtbot) -> None:
    generate = GenerateViewModel()
    generate.width, generate.height = 96, 64
    panel = PromptPanel(generate)
    qtbot.addWidget(panel)
    panel.show()
    controls = panel.control_panel
    generate.control.add("openpose")
    row = controls.rows[0]
    assert row.pose_button.isVisibleTo(row)
    dialog = controls.pose_dialog(0)
    qtbot.addWidget(dialog)
    dialog.view_model.begin_drag(WRIST)
    dialog.view_model.drag_to(0.2, 0.2)
    dialog.view_model.end_drag()
    dialog.accept()
    (spec,) = generate.build_request().controls
    edited = STANDING.moved("right_wrist", 0.2, 0.2)
    assert spec.kind == "openpose" and spec.source == "pose editor"
    assert spec.image is not None
    drawn = load_pixels(spec.image, mode="RGB")
    np.testing.assert_array_equal(drawn, draw_skeletons((edited,), 96, 64))
    # The editor opens again on the pose as edited, and another kind hides its button.
    assert controls.view_model.pose_of(0) == edited
    generate.control.update(0, kind="canny")
    assert not controls.rows[0].pose_button.isVisibleTo(controls.rows[0])


def test_a_pose_dialog_keeps_the_shape_of_the_image(qtbot) -> None:
    dialog = PoseDialog(STANDING, (512, 768))
    qtbot.addWidget(dialog)
    assert dialog.panel.editor.aspect == (512, 768) and dialog.skeleton == STANDING


def test_ctrl_z_in_the_editor_undoes_the_drag_not_the_windows_undo(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    window_undo = QAction("Undo", window)
    window_undo.setShortcut(QKeySequence("Ctrl+Z"))
    window_undo.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    window.addAction(window_undo)
    editor = PoseEditor(PoseViewModel(STANDING))
    window.setCentralWidget(editor)
    window.resize(300, 300)
    window.show()
    qtbot.waitExposed(window)
    editor.view_model.begin_drag(WRIST)
    editor.view_model.drag_to(0.1, 0.1)
    editor.view_model.end_drag()
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    # Sent to the window as the keyboard does, so the window's shortcuts are asked first.
    with qtbot.assertNotEmitted(window_undo.triggered):
        qtbot.keyClick(window.windowHandle(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.view_model.skeleton == STANDING
