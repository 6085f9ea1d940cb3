"""Upscale…: the upscaler, the factor, the tiling, and a before/after preview at 1:1.

The preview is a crop of the entry beside the same crop upscaled, each drawn one image pixel
to one screen pixel (never scaled by Qt), so what an upscaler does to the pixels is what the
artist sees. Nearest is drawn at once; a model upscaler runs on the crop as a job on the
worker (:meth:`JobController.submit_preview`), never on the GUI thread, and a newer choice
cancels a preview still running.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from studio.domain.jobs import JobRequest
from studio.ui.dialog_buttons import ok_cancel_buttons
from studio.ui.image_convert import qimage_from_array
from studio.ui.job_records import EditOwner, JobRecord
from studio.ui.properties import bind
from studio.ui.viewmodels.upscale import UpscaleViewModel, preview_crop

PREVIEWING = "Previewing…"


class PreviewJobs(Protocol):
    """Where the dialog runs its preview jobs (the window's :class:`JobController`)."""

    def submit_preview(
        self, request: JobRequest, owner: EditOwner, on_pixels: Callable[[int, np.ndarray], None]
    ) -> int: ...

    def cancel_job(self, job_id: int) -> None: ...


class UpscaleDialog(QDialog):
    """Collects an upscale of one history entry (OK: the controller submits it).

    Signals
    -------
    preview_ended()
        The preview job of the current choice ended: its picture, or why there is none.
    """

    preview_ended = Signal()

    def __init__(
        self,
        view_model: UpscaleViewModel,
        pixels: np.ndarray,
        jobs: PreviewJobs,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.view_model, self._jobs = view_model, jobs
        self._crop = preview_crop(pixels)
        self._preview_job: int | None = None  # the job of the preview shown next
        self.setObjectName("upscaleDialog")
        self.setWindowTitle("Upscale")
        self.upscaler_combo = _named(QComboBox(), "upscaler")
        for label, value in view_model.upscalers():
            self.upscaler_combo.addItem(label, value)
        self.empty_label = _named(QLabel(view_model.empty_text()), "upscalerEmptyState")
        self.empty_label.setWordWrap(True)
        self.empty_label.setVisible(bool(view_model.empty_text()))
        self.scale_combo = _named(QComboBox(), "upscaleScale")
        self._fill_scales()
        self.tiling_check = _named(QCheckBox("Keep it tiling"), "upscaleKeepTiling")
        self.tiling_check.setToolTip(
            "The image tiles: the upscaler sees it wrapped around its edges, so the result "
            "tiles too."
        )
        self.tiling_check.setVisible(view_model.tiling_offered)
        self.before_label, self.after_label = _pixel_label("before"), _pixel_label("after")
        self.preview_state = _named(QLabel(), "upscalePreviewState")
        self._build_layout()
        bind(view_model, "upscaler", self.upscaler_combo)
        bind(view_model, "scale", self.scale_combo)
        bind(view_model, "keep_tiling", self.tiling_check)
        # One new upscaler changes the scale too: the two changes make one preview job.
        self._preview_due = QTimer(self)
        self._preview_due.setSingleShot(True)
        self._preview_due.setInterval(0)
        self._preview_due.timeout.connect(self.refresh_preview)
        view_model.upscaler_changed.connect(lambda _: self._fill_scales())
        view_model.upscaler_changed.connect(lambda _: self._preview_due.start())
        view_model.scale_changed.connect(lambda _: self._preview_due.start())
        self.finished.connect(self._on_finished)
        _show(self.before_label, self._crop)
        self.refresh_preview()

    def _build_layout(self) -> None:
        form = QFormLayout()
        form.addRow("Upscaler", self.upscaler_combo)
        form.addRow(self.empty_label)
        form.addRow("Scale", self.scale_combo)
        form.addRow(self.tiling_check)
        pair = QWidget()
        grid = QGridLayout(pair)
        top_left = Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
        grid.addWidget(QLabel("Before (1:1)"), 0, 0, top_left)
        grid.addWidget(QLabel("After (1:1)"), 0, 1, top_left)
        grid.addWidget(self.before_label, 1, 0, top_left)
        grid.addWidget(self.after_label, 1, 1, top_left)
        # The pictures keep to the top left; the spare room goes to an empty last row/column.
        grid.setRowStretch(2, 1)
        grid.setColumnStretch(2, 1)
        scroll = _named(QScrollArea(), "upscalePreview")
        scroll.setWidget(pair)
        # Grows with the pictures (their labels have fixed sizes), scrolls past the minimum:
        # room for a 128 px crop beside its 4x.
        scroll.setWidgetResizable(True)
        scroll.setMinimumSize(700, 560)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview_state)
        layout.addWidget(scroll, 1)
        layout.addWidget(ok_cancel_buttons(self, "Upscale"))

    def _fill_scales(self) -> None:
        # Refilled quietly, then the view-model's factor shown: clearing must not write it.
        combo = self.scale_combo
        combo.blockSignals(True)
        combo.clear()
        for label, value in self.view_model.scales():
            combo.addItem(label, value)
        combo.setCurrentIndex(max(0, combo.findData(self.view_model.scale)))
        combo.blockSignals(False)

    # -- the preview ------------------------------------------------------------------------

    def refresh_preview(self) -> None:
        """Show the chosen upscale of the crop: at once for nearest, else as a job."""
        self._cancel_preview()
        vm = self.view_model
        if vm.is_nearest:
            _show(self.after_label, vm.nearest_preview(self._crop))
            self.preview_state.clear()
            return
        self.after_label.clear()
        self.preview_state.setText(PREVIEWING)
        self._preview_job = self._jobs.submit_preview(
            vm.preview_request(self._crop), self, self._on_preview
        )

    @property
    def previewing(self) -> bool:
        """Whether a preview job runs or waits."""
        return self._preview_job is not None

    def _on_preview(self, job_id: int, pixels: np.ndarray) -> None:
        if job_id != self._preview_job:
            return  # an older choice's preview that ended before its cancel arrived
        _show(self.after_label, pixels)
        self.preview_state.clear()

    def job_ended(self, record: JobRecord, outcome: str, message: str) -> None:
        """The end of a preview job (see :class:`~studio.ui.job_records.EditOwner`)."""
        if record.job_id != self._preview_job:
            return  # an older choice's preview, cancelled
        self._preview_job = None
        if outcome == "failed":
            self.preview_state.setText(f"No preview: {message}")
        elif outcome == "cancelled":
            self.preview_state.setText("Preview cancelled")
        self.preview_ended.emit()

    def _on_finished(self, _result: int) -> None:
        # Closed either way: a preview still to come is no longer looked at.
        self._preview_due.stop()
        self._cancel_preview()

    def _cancel_preview(self) -> None:
        if self._preview_job is not None:
            self._jobs.cancel_job(self._preview_job)
            self._preview_job = None


W = TypeVar("W", bound=QWidget)


def _named(widget: W, name: str) -> W:
    widget.setObjectName(name)
    return widget


def _pixel_label(name: str) -> QLabel:
    label = _named(QLabel(), f"upscale_{name}")
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return label


def _show(label: QLabel, pixels: np.ndarray) -> None:
    """Draw ``pixels`` one image pixel to one device pixel (crisp on a HiDPI screen too)."""
    pixmap = QPixmap.fromImage(qimage_from_array(pixels))
    pixmap.setDevicePixelRatio(label.devicePixelRatioF())
    label.setPixmap(pixmap)
    label.setFixedSize(pixmap.deviceIndependentSize().toSize())
