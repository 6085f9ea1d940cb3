"""Status bar: messages on the left, job progress with time left on the right."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from studio.domain.results import ProgressUpdate
from studio.ui.eta import EtaEstimator, format_seconds

MESSAGE_MS = 8000


class JobStatusBar(QStatusBar):
    """Shows what the worker is doing: phase, step x of y, time left, jobs waiting."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self._eta = EtaEstimator()
        self.phase_label = QLabel()
        self.eta_label = QLabel()
        self.eta_label.setObjectName("etaLabel")
        self.queue_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("jobProgress")
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.setTextVisible(True)
        for widget in (self.phase_label, self.progress_bar, self.eta_label, self.queue_label):
            self.addPermanentWidget(widget)
        self.set_idle()

    def set_idle(self) -> None:
        self._eta.reset()
        self.progress_bar.setVisible(False)
        self.phase_label.clear()
        self.eta_label.clear()

    def job_started(self, waiting: int) -> None:
        self._eta.reset()
        self.progress_bar.setRange(0, 0)  # busy indicator until the first step arrives
        self.progress_bar.setVisible(True)
        self.phase_label.setText("Starting…")
        self.set_waiting(waiting)

    def job_progress(self, update: ProgressUpdate) -> None:
        self.progress_bar.setVisible(True)
        if update.message:
            self.phase_label.setText(update.message + "…")
            self.progress_bar.setRange(0, 0)
            self._eta.reset()
            return
        self.phase_label.setText("Generating")
        self.progress_bar.setRange(0, max(update.total, 1))
        self.progress_bar.setValue(update.step)
        self.progress_bar.setFormat(f"{update.step}/{update.total}")
        self.eta_label.setText(format_seconds(self._eta.update(update.step, update.total)))

    def set_waiting(self, waiting: int) -> None:
        self.queue_label.setText(f"{waiting} queued" if waiting > 0 else "")

    def say(self, text: str) -> None:
        self.showMessage(text, MESSAGE_MS)
