"""The prompt panel's "Reference images" group: the IP-Adapter references of the next Generate.

One row per reference (:class:`ReferenceRow`): a thumbnail of the picture, its weight, where it
came from and Remove. References are added from a file or the canvas here, and from a history
image by its context menu ("Use as Reference"). The state is
:class:`~studio.ui.viewmodels.reference.ReferenceViewModel`; the layout and the refusal line
are :class:`~studio.ui.unit_group.UnitGroup`'s, as in the Control group.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFileDialog, QFormLayout, QLabel, QWidget

from studio.domain.reference import MAX_REFERENCE_WEIGHT, MAX_REFERENCES, ReferenceImage
from studio.ui.control_panel import IMAGE_FILTER
from studio.ui.image_convert import qimage_from_png
from studio.ui.unit_group import WEIGHT_TIP, UnitGroup, UnitRow, fraction_spin
from studio.ui.viewmodels.reference import EMPTY_TEXT, ReferenceViewModel

THUMB_SIDE = 64
REFERENCE_TIP = (
    "Steer the image toward a picture with an IP-Adapter: a character's look, a style "
    "(Stable Diffusion models, with an IP-Adapter and its image encoder among your models)."
)


class ReferenceRow(UnitRow):
    """The widgets of one reference; :class:`ReferencePanel` wires them to the view-model."""

    def __init__(self, number: int, parent: QWidget | None = None) -> None:
        super().__init__("reference", number, THUMB_SIDE, parent)
        self.thumbnail = self.picture
        self.thumbnail.setObjectName("referenceThumbnail")
        self.weight_spin = fraction_spin(0.0, MAX_REFERENCE_WEIGHT, WEIGHT_TIP)
        self.source_label = self.caption
        self.remove_button.setToolTip(f"Remove reference image {number}")
        form = QFormLayout()
        form.addRow(QLabel(f"Reference {number}"))
        form.addRow("Weight", self.weight_spin)
        form.addRow(self.remove_button)
        self._set_form(form)

    def show_unit(self, reference: ReferenceImage) -> None:
        """Show ``reference`` (only values that differ, so typing is not interrupted)."""
        if self.weight_spin.value() != reference.weight:
            self.weight_spin.blockSignals(True)
            self.weight_spin.setValue(reference.weight)
            self.weight_spin.blockSignals(False)
        self.show_source(reference.source or "(no source)")
        if reference.image is None:
            self.thumbnail.clear()
            self.thumbnail.setText("No picture: add it again")
            return
        picture = QPixmap.fromImage(qimage_from_png(reference.image)).scaled(
            THUMB_SIDE,
            THUMB_SIDE,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self.thumbnail.setPixmap(picture)


class ReferencePanel(UnitGroup):
    """Add, weigh and remove the references of :class:`ReferenceViewModel`."""

    def __init__(self, view_model: ReferenceViewModel, parent: QWidget | None = None) -> None:
        super().__init__("Reference images", "reference", EMPTY_TEXT, REFERENCE_TIP, parent)
        self.view_model = view_model
        self.file_button = self.make_button("Add from file…", "addReferenceFile", self.choose_file)
        self.canvas_button = self.make_button(
            "Add from canvas", "addReferenceCanvas", view_model.add_canvas
        )
        view_model.references_changed.connect(self._show_units)
        self._show_units(view_model.references)

    def choose_file(self) -> None:
        """Ask for an image file and add it as a reference (the file button's action).

        Raises
        ------
        ImageReadError
            One line naming the file; the button shows it under the rows.
        """
        path, _ = QFileDialog.getOpenFileName(self, "Reference image", "", IMAGE_FILTER)
        if path:
            self.view_model.add_file(Path(path))

    def _units(self) -> tuple[ReferenceImage, ...]:
        return self.view_model.references

    def _show_units(self, units: Sequence[ReferenceImage]) -> None:
        super()._show_units(units)
        full = len(units) >= MAX_REFERENCES
        for button in (self.file_button, self.canvas_button):
            button.setEnabled(not full)

    def _new_row(self, index: int) -> ReferenceRow:
        row = ReferenceRow(index + 1)
        vm = self.view_model
        row.weight_spin.valueChanged.connect(
            lambda value: self._attempt(vm.set_weight, index, value)
        )
        row.remove_button.clicked.connect(lambda: self._attempt(vm.remove, index))
        return row
