"""The Character Sheet dialog: one character from a history entry, a frame per pose, one job.

The state is :class:`~studio.ui.viewmodels.character_sheet.CharacterSheetViewModel`; the
dialog binds its widgets to it and edits the poses with the pose editor, one frame of the
sequence at a time. Make, Cancel and Export sheet… are signals: the job itself and the export
belong to :class:`~studio.ui.character_sheet_controller.CharacterSheetController`. While a
model cannot take poses the dialog says why in one line and Make stays off.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.domain.pose_sequences import MAX_FPS
from studio.domain.results import ProgressUpdate
from studio.imaging.decode import load_pixels
from studio.imaging.thumbnails import make_thumbnail
from studio.ui.image_convert import qimage_from_png
from studio.ui.pose_editor import PoseEditor, PoseEditorPanel
from studio.ui.properties import bind
from studio.ui.transparency_method import kept_transparency_box
from studio.ui.viewmodels.character_sheet import CharacterSheetViewModel
from studio.ui.viewmodels.pose import PoseViewModel

THUMB_SIDE = 128
REFUSAL_STYLE = "color: #d9534f; font-weight: bold;"


class CharacterSheetDialog(QDialog):
    """See the module docstring.

    Signals
    -------
    make_requested(), cancel_requested(), export_requested()
        The user pressed Make, Cancel or Export sheet….
    """

    make_requested = Signal()
    cancel_requested = Signal()
    export_requested = Signal()

    def __init__(self, view_model: CharacterSheetViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("characterSheetDialog")
        self.setWindowTitle(f"Character Sheet from #{view_model.entry_id}")
        self.view_model = view_model
        self.pose_vm = PoseViewModel(view_model.sequence.poses[0], self)
        self._build()
        self._bind()
        self._show_state()

    def _build(self) -> None:
        vm = self.view_model
        self.thumbnail = QLabel()
        self.thumbnail.setFixedSize(THUMB_SIDE, THUMB_SIDE)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        thumb = make_thumbnail(load_pixels(vm.reference_png, mode="RGBA"), THUMB_SIDE)
        self.thumbnail.setPixmap(QPixmap.fromImage(qimage_from_png(thumb)))
        self.thumbnail.setToolTip("The character: the reference image every frame follows")
        self.prompt_edit = QPlainTextEdit()
        self.prompt_edit.setFixedHeight(64)
        self.negative_edit = QPlainTextEdit()
        self.negative_edit.setFixedHeight(40)
        self.model_combo = QComboBox()
        for info in vm.models:
            self.model_combo.addItem(info.name, info.id)
        self.sequence_combo = QComboBox()
        for name in vm.sequence_names:
            self.sequence_combo.addItem(name.capitalize(), name)
        self.frames_label = QLabel()
        self.fps_spin = QDoubleSpinBox()
        self.fps_spin.setRange(1.0, MAX_FPS)
        self.fps_spin.setDecimals(1)
        self.fps_spin.setSuffix(" fps")
        self.transparent_check = kept_transparency_box(vm.transparency)
        self.refusal_label = QLabel()
        self.refusal_label.setObjectName("characterSheetRefusal")
        self.refusal_label.setWordWrap(True)
        self.refusal_label.setStyleSheet(REFUSAL_STYLE)
        form = QFormLayout()
        for label, widget in (
            ("Prompt", self.prompt_edit),
            ("Negative", self.negative_edit),
            ("Model", self.model_combo),
            ("Poses", self.sequence_combo),
            ("Frames", self.frames_label),
            ("Speed", self.fps_spin),
        ):
            form.addRow(label, widget)
        form.addRow("", self.transparent_check)
        top = QHBoxLayout()
        top.addWidget(self.thumbnail, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(form, 1)

        self.pose_spin = QSpinBox()
        self.pose_spin.setPrefix("Pose ")
        self.pose_spin.setToolTip("The frame whose pose the editor shows")
        self.pose_editor = PoseEditorPanel(PoseEditor(self.pose_vm, _aspect(vm)))
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.make_button = QPushButton("Make")
        self.make_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.export_button = QPushButton("Export sheet…")
        self.export_button.setToolTip("The frames as a sprite sheet with this animation at its fps")
        self.close_button = QPushButton("Close")
        buttons = QHBoxLayout()
        for button in (self.make_button, self.cancel_button, self.export_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.refusal_label)
        layout.addWidget(self.pose_spin)
        layout.addWidget(self.pose_editor, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(520, 760)

    def _bind(self) -> None:
        vm = self.view_model
        bind(vm, "prompt", self.prompt_edit)
        bind(vm, "negative_prompt", self.negative_edit)
        bind(vm, "model", self.model_combo)
        bind(vm, "fps", self.fps_spin)
        bind(vm, "transparent", self.transparent_check)
        self.sequence_combo.activated.connect(
            lambda _i: vm.choose_sequence(self.sequence_combo.currentData())
        )
        vm.sequence_name_changed.connect(self._show_sequence_name)
        self.pose_spin.valueChanged.connect(lambda number: setattr(vm, "pose_index", number - 1))
        vm.pose_index_changed.connect(lambda _i: self._show_pose())
        vm.sequence_changed.connect(lambda _s: self._on_sequence_changed())
        vm.model_changed.connect(lambda _m: self.pose_editor.editor.set_aspect(*_aspect(vm)))
        # Every move of a drag goes into the frame, so Make always takes what is shown.
        self.pose_vm.skeleton_changed.connect(lambda pose: vm.set_pose(vm.pose_index, pose))
        for signal in (vm.refusal_changed, vm.running_changed, vm.frames_changed):
            signal.connect(lambda _v: self._show_state())
        self.make_button.clicked.connect(self.make_requested)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.export_button.clicked.connect(self.export_requested)
        self.close_button.clicked.connect(self.reject)
        self._show_sequence_name(vm.sequence_name)

    def _show_sequence_name(self, name: str) -> None:
        self.sequence_combo.setCurrentIndex(self.sequence_combo.findData(name))
        self._show_pose()

    def _on_sequence_changed(self) -> None:
        self._show_state()
        self._show_pose()

    def _show_pose(self) -> None:
        vm = self.view_model
        if self.pose_spin.value() != vm.pose_index + 1:
            self.pose_spin.setValue(vm.pose_index + 1)
        pose = vm.sequence.poses[vm.pose_index]
        if pose != self.pose_vm.skeleton:
            self.pose_vm.load(pose)  # another frame: its own undo history starts

    def _show_state(self) -> None:
        vm = self.view_model
        self.pose_spin.setRange(1, vm.frame_count)
        self.pose_spin.setSuffix(f" of {vm.frame_count}")
        self.frames_label.setText(
            f"{vm.frame_count} frames, one per pose, the same seed and reference"
        )
        self.refusal_label.setText(vm.refusal)
        self.refusal_label.setVisible(bool(vm.refusal))
        self.make_button.setEnabled(not vm.refusal and not vm.running)
        self.make_button.setToolTip(vm.refusal)
        self.cancel_button.setEnabled(vm.running)
        self.export_button.setEnabled(vm.can_export())
        for widget in (
            self.sequence_combo,
            self.pose_editor,
            self.model_combo,
            self.transparent_check,
        ):
            widget.setEnabled(not vm.running)

    # -- the job (the controller reports here) ----------------------------------------------

    def show_progress(self, update: ProgressUpdate) -> None:
        """A step of the job: the bar counts over the whole sheet, the line says the frame."""
        self.progress.setVisible(True)
        self.progress.setRange(0, max(update.total, 1))
        self.progress.setValue(update.step)
        if update.message:
            self.message.setText(update.message)

    def say(self, text: str) -> None:
        """One line under the pose editor (how the job ended, why nothing happened)."""
        self.message.setText(text)
        if not self.view_model.running:
            self.progress.setVisible(False)


def _aspect(vm: CharacterSheetViewModel) -> tuple[int, int]:
    info = vm.model_info()
    return info.default_size if info is not None else (1, 1)
