"""Generate and Cancel: from the prompt panel to the worker and back to canvas and history."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QSize, Signal

from studio.domain.errors import InvalidRequestError
from studio.domain.requests import GenerationRequest
from studio.domain.results import ProgressUpdate
from studio.ui.canvas import CanvasView
from studio.ui.document import Document
from studio.ui.image_convert import qimage_from_array
from studio.ui.notice import NoticeBanner
from studio.ui.prompt_panel import PromptPanel
from studio.ui.status_bar import JobStatusBar
from studio.worker.facade import EngineFacade
from studio.worker.jobs import FinishedImage


class GenerationController(QObject):
    """Turns the panel into jobs and job events into previews, history entries and messages.

    Signals
    -------
    image_committed(HistoryEntry, int)
        A finished image of job ``int`` is safely in the project file.
    """

    image_committed = Signal(object, int)

    def __init__(
        self,
        facade: EngineFacade,
        document: Document,
        panel: PromptPanel,
        canvas: CanvasView,
        status: JobStatusBar,
        notice: NoticeBanner,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._facade = facade
        self._document = document
        self._panel = panel
        self._canvas = canvas
        self._status = status
        self._notice = notice
        self._targets: dict[int, QSize] = {}
        self._started_at: dict[int, float] = {}
        self._images_made: dict[int, int] = {}
        # Adds the canvas edits (mask, tiling) to a request from the panel; set by the window.
        self.edit_request: Callable[[GenerationRequest], GenerationRequest] | None = None

        panel.generate_requested.connect(self.generate)
        panel.cancel_requested.connect(self.cancel)
        facade.started.connect(self._on_started)
        facade.progress.connect(self._on_progress)
        facade.image_ready.connect(self._on_image_ready)
        facade.finished.connect(self._on_finished)
        facade.failed.connect(self._on_failed)
        facade.cancelled.connect(self._on_cancelled)
        facade.busy_changed.connect(self._on_busy_changed)

    def generate(self) -> int | None:
        """Queue a job from the panel; returns its id, or None when it could not start."""
        if self._document.read_only:
            self._notice.show_message(
                "This project was made by a newer Studio and is open read-only: "
                "use File > New Project to generate.",
                "warning",
            )
            return None
        if not self._panel.has_models():
            self._notice.show_message(
                "No model to generate with: add one with File > Add Model File…", "warning"
            )
            return None
        try:
            request = self._panel.build_request()
            if self.edit_request is not None:
                request = self.edit_request(request)
        except InvalidRequestError as exc:
            self._notice.show_message(str(exc), "error")
            return None
        return self.submit(request)

    def submit(self, request: object) -> int | None:
        """Queue any request (style transfer too) with the same progress and commit handling."""
        if self._document.read_only:
            self._notice.show_message("This project is open read-only.", "warning")
            return None
        job_id = self._facade.submit(request)
        width, height = getattr(request, "width", 0), getattr(request, "height", 0)
        if width and height:
            self._targets[job_id] = QSize(width, height)
        self._status.set_waiting(self._facade.pending_count - 1)
        return job_id

    def cancel(self) -> None:
        """Cancel the running job and everything queued (Esc)."""
        if self._facade.is_busy:
            self._status.say("Cancelling…")
            self._facade.cancel()

    # -- worker events ----------------------------------------------------------------------

    def _on_started(self, job_id: int) -> None:
        self._notice.dismiss()
        self._started_at[job_id] = time.monotonic()
        self._images_made[job_id] = 0
        self._status.job_started(waiting=self._facade.pending_count - 1)

    def _on_progress(self, job_id: int, update: ProgressUpdate) -> None:
        self._status.job_progress(update)
        target = self._targets.get(job_id)
        if update.preview is not None and target is not None:
            self._canvas.show_preview(qimage_from_array(update.preview), target)

    def _on_image_ready(self, finished: FinishedImage) -> None:
        # Committed before anything else happens: the image now survives a crash.
        entry = self._document.add_finished(finished)
        self._images_made[finished.job_id] = self._images_made.get(finished.job_id, 0) + 1
        seed = getattr(finished.image.request, "seed", None)
        if isinstance(seed, int):
            self._panel.show_used_seed(seed)
        self.image_committed.emit(entry, finished.job_id)
        if finished.image.warnings:
            self._notice.show_message("\n".join(finished.image.warnings), "warning")

    def _on_finished(self, job_id: int) -> None:
        count = self._images_made.pop(job_id, 0)
        seconds = time.monotonic() - self._started_at.pop(job_id, time.monotonic())
        self._targets.pop(job_id, None)
        plural = "image" if count == 1 else "images"
        self._status.say(f"Done: {count} {plural} in {seconds:.1f} s")

    def _on_failed(self, job_id: int, message: str) -> None:
        self._forget(job_id)
        self._canvas.end_preview()
        self._notice.show_message(message, "error")
        self._status.say("Generation failed")

    def _on_cancelled(self, job_id: int) -> None:
        made = self._images_made.get(job_id, 0)
        self._forget(job_id)
        self._canvas.end_preview()
        kept = f" ({made} finished image{'s' if made != 1 else ''} kept)" if made else ""
        self._status.say(f"Cancelled{kept}")

    def _forget(self, job_id: int) -> None:
        self._targets.pop(job_id, None)
        self._started_at.pop(job_id, None)
        self._images_made.pop(job_id, None)

    def _on_busy_changed(self, busy: bool) -> None:
        self._panel.set_busy(busy)
        if not busy:
            self._status.set_idle()
            self._status.set_waiting(0)
