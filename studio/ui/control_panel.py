"""The prompt panel's "Control" group: the ControlNet units of the next Generate.

One row per unit (:class:`ControlRow`): its kind, where its image comes from (the canvas or a
file), weight, start and end, and a preview of the control image the ControlNet will see.
The state is :class:`~studio.ui.viewmodels.control.ControlViewModel`; a refused value (start
after end, an unreadable file) is one line under the rows and the row shows the unit as it
still is. Rows stay while only their values change, so the keyboard focus is never lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from studio.domain.control import CONTROL_KINDS, MAX_CONTROL_WEIGHT, MAX_CONTROLS
from studio.imaging.thumbnails import make_thumbnail
from studio.ui.image_convert import array_from_qimage, qimage_from_png
from studio.ui.pose_editor import PoseDialog
from studio.ui.unit_group import WEIGHT_TIP, UnitGroup, UnitRow, fraction_spin
from studio.ui.viewmodels.control import EMPTY_TEXT, ControlDraft, ControlViewModel

PREVIEW_SIDE = 96
KIND_LABELS = {
    "canny": "Canny edges",
    "softedge": "Soft edges",
    "scribble": "Scribble (your lines)",
    "blockout": "Blockout (flat colours)",
    "openpose": "Pose image",
    "none": "Image as it is",
}
CONTROL_TIP = (
    "Guide the image with a ControlNet: its outline, pose or layout follows a control image "
    "made from the canvas or a file (Stable Diffusion models, with a ControlNet of that kind)."
)
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.bmp *.gif *.tif *.tiff)"


class ControlRow(UnitRow):
    """The widgets of one unit; :class:`ControlPanel` wires them to the view-model."""

    def __init__(self, number: int, parent: QWidget | None = None) -> None:
        super().__init__("control", number, PREVIEW_SIDE, parent)
        self.kind_combo = QComboBox()
        for kind in CONTROL_KINDS:
            self.kind_combo.addItem(KIND_LABELS[kind], kind)
        self.weight_spin = fraction_spin(0.0, MAX_CONTROL_WEIGHT, WEIGHT_TIP)
        self.start_spin = fraction_spin(0.0, 1.0, "The fraction of the steps it starts at.")
        self.end_spin = fraction_spin(0.0, 1.0, "The fraction of the steps it stops at.")
        self.canvas_button = QPushButton("From canvas")
        self.file_button = QPushButton("From file…")
        self.pose_button = QPushButton("Edit pose…")
        self.pose_button.setToolTip("Drag the joints of a figure; the pose image is drawn from it")
        self.remove_button.setToolTip(f"Remove control {number}")
        self.preview = self.picture
        self.preview.setObjectName("controlPreview")
        self.source_label = self.caption
        form = QFormLayout()
        form.addRow(f"Control {number}", self.kind_combo)
        form.addRow("Weight", self.weight_spin)
        steps = QHBoxLayout()
        steps.addWidget(self.start_spin)
        steps.addWidget(QLabel("to"))
        steps.addWidget(self.end_spin)
        form.addRow("Steps", steps)
        images = QHBoxLayout()
        images.addWidget(self.canvas_button)
        images.addWidget(self.file_button)
        form.addRow("Image", images)
        # Edit pose… shares Remove's line: three buttons on one would outgrow the panel.
        last = QHBoxLayout()
        last.addWidget(self.pose_button)
        last.addWidget(self.remove_button)
        form.addRow("", last)
        self._set_form(form)

    def show_unit(self, draft: ControlDraft) -> None:
        """Show ``draft``'s values (only those that differ, so typing is not interrupted)."""
        spec = draft.spec
        index = self.kind_combo.findData(spec.kind)
        if self.kind_combo.currentIndex() != index:
            self.kind_combo.setCurrentIndex(index)
        for spin, value in (
            (self.weight_spin, spec.weight),
            (self.start_spin, spec.start),
            (self.end_spin, spec.end),
        ):
            if spin.value() != value:
                spin.blockSignals(True)
                spin.setValue(value)
                spin.blockSignals(False)
        self.pose_button.setVisible(spec.kind == "openpose")
        self.show_source(spec.source)
        if draft.control is not None:
            thumb = make_thumbnail(draft.control, PREVIEW_SIDE)
            self.preview.setPixmap(QPixmap.fromImage(qimage_from_png(thumb)))
        else:
            self.preview.clear()
            self.preview.setText(_missing_image_text(spec.image is not None, spec.source))


class ControlPanel(UnitGroup):
    """Add, edit and remove the units of :class:`ControlViewModel`; see the module docstring."""

    def __init__(self, view_model: ControlViewModel, parent: QWidget | None = None) -> None:
        super().__init__("Control", "control", EMPTY_TEXT, CONTROL_TIP, parent)
        self.view_model = view_model
        self.add_button = self.make_button("Add control", "addControl", view_model.add)
        view_model.units_changed.connect(self._show_units)
        self._show_units(view_model.units)

    def choose_file(self, index: int) -> None:
        """Ask for an image file and make unit ``index``'s control image from it."""
        path, _ = QFileDialog.getOpenFileName(self, "Control image", "", IMAGE_FILTER)
        if path:
            self._attempt(self.view_model.use_file, index, Path(path))

    def pose_dialog(self, index: int) -> PoseDialog:
        """The pose editor on unit ``index``'s pose; OK draws the unit's image from it."""
        dialog = PoseDialog(self.view_model.pose_of(index), self.view_model.pose_size(), self)
        dialog.accepted.connect(
            lambda: self._attempt(self.view_model.set_pose, index, dialog.skeleton)
        )
        return dialog

    def _units(self) -> tuple[ControlDraft, ...]:
        return self.view_model.units

    def _show_units(self, units: Sequence[ControlDraft]) -> None:
        super()._show_units(units)
        self.add_button.setEnabled(len(units) < MAX_CONTROLS)

    def _new_row(self, index: int) -> ControlRow:
        row = ControlRow(index + 1)
        vm = self.view_model
        row.kind_combo.activated.connect(
            lambda _i: self._attempt(vm.update, index, kind=row.kind_combo.currentData())
        )
        for name, spin in (
            ("weight", row.weight_spin),
            ("start", row.start_spin),
            ("end", row.end_spin),
        ):
            spin.valueChanged.connect(
                lambda value, n=name: self._attempt(vm.update, index, **{n: value})
            )
        row.canvas_button.clicked.connect(lambda: self._attempt(vm.use_canvas, index))
        row.file_button.clicked.connect(lambda: self.choose_file(index))
        row.pose_button.clicked.connect(lambda: self.pose_dialog(index).open())
        row.remove_button.clicked.connect(lambda: self._attempt(vm.remove, index))
        return row


def _missing_image_text(has_image: bool, source: str) -> str:
    # A recipe keeps where a unit's image came from, not the image: say to take it again
    # rather than "No image yet" beside a source that reads as if it were there.
    if has_image:
        return "Image set"
    return "Not kept: take it again" if source else "No image yet"


def canvas_pixels(image: QImage | None) -> np.ndarray | None:
    """The canvas image as RGBA pixels for "From canvas" (``None`` when none is shown)."""
    return None if image is None or image.isNull() else array_from_qimage(image)
