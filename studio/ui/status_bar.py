"""Status bar: messages on the left, job progress with time left on the right."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QTimer
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
        # An image edit (Remove Background, Pixelate) beside any job: its own busy bar and
        # elapsed seconds, so a long first run reads as working, not as hung.
        self.task_label = QLabel()
        self.task_label.setObjectName("taskLabel")
        self.task_bar = QProgressBar()
        self.task_bar.setObjectName("taskProgress")
        self.task_bar.setRange(0, 0)
        self.task_bar.setMaximumWidth(120)
        self.insertPermanentWidget(0, self.task_bar)
        self.insertPermanentWidget(0, self.task_label)
        self._task_text = ""
        self._task_hint = ""
        self._task_clock = QElapsedTimer()
        self._task_timer = QTimer(self)
        self._task_timer.setInterval(1000)
        self._task_timer.timeout.connect(self._show_task)
        self.task_ended()
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

    def task_started(self, text: str, hint: str = "") -> None:
        """Show an image edit as running: ``text``, a busy bar and the seconds so far;
        ``hint`` (why it may take long) joins after a few seconds."""
        self._task_text, self._task_hint = text, hint
        self._task_clock.start()
        self._task_timer.start()
        self.task_bar.setVisible(True)
        self.task_label.setVisible(True)
        self._show_task()

    def task_progress(self, done: int, total: int) -> None:
        """The running edit has done ``done`` of ``total`` parts (an upscale's tiles)."""
        self.task_bar.setRange(0, max(total, 1))
        self.task_bar.setValue(done)
        self.task_bar.setFormat("%v/%m")

    def task_ended(self) -> None:
        """No image edit runs any more."""
        self.task_bar.setRange(0, 0)  # the next edit starts as busy, not at the last count
        self._task_timer.stop()
        self._task_text = ""
        self.task_label.clear()
        self.task_label.setVisible(False)
        self.task_bar.setVisible(False)

    def task_running(self) -> bool:
        return bool(self._task_text)

    def _show_task(self) -> None:
        seconds = self._task_clock.elapsed() // 1000 if self._task_clock.isValid() else 0
        text = self._task_text
        if seconds >= 2:
            text += f" {seconds} s"
            if self._task_hint:
                text += f" ({self._task_hint})"
        self.task_label.setText(text)

    def say(self, text: str) -> None:
        self.showMessage(text, MESSAGE_MS)
