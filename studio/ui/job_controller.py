"""Every job from the button to the canvas: one record per job, from submit to its end.

Generate, Apply Style, the image edits (pixelate, remove background, make seamless) and the
sprite-sheet export (both on the worker's CPU lane) all go through :class:`JobController`.
The record of a job holds what its events need (where previews go, which entry a style
result restyles, when it started, how many images it made, who owns an edit), so no event
handler guesses from the request's shape. Every image is committed the same way
(:meth:`Document.add_finished`); an export's files are only reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Signal

from studio.domain.errors import InvalidRequestError, StudioError
from studio.domain.history import HistoryEntry
from studio.domain.jobs import ExportRequest, JobRequest
from studio.domain.requests import GenerationRequest
from studio.domain.results import ProgressUpdate
from studio.ui.controller import Controller, WindowContext
from studio.ui.image_convert import array_from_qimage, qimage_from_array
from studio.ui.job_records import (
    BatchTally,
    EditOwner,
    JobRecord,
    ResultHandler,
    format_elapsed,
    images_of,
    preview_target,
)
from studio.ui.viewmodels.generate import CanvasSnapshot, GenerateViewModel
from studio.worker.jobs import FinishedExport, FinishedImage


def _images(count: int) -> str:
    return f"{count} image" if count == 1 else f"{count} images"


class JobController(Controller):
    """Turns the Generate view-model into jobs and job events into previews, history
    entries and messages.

    Signals
    -------
    image_committed(HistoryEntry, QImage)
        A finished image of a job without its own result handler is safely in the project;
        the image is its committed pixels, to show without reading the project back.
    """

    image_committed = Signal(object, object)

    def __init__(self, view_model: GenerateViewModel, context: WindowContext) -> None:
        super().__init__(context, context.window)
        self._vm = view_model
        facade = context.facade
        self._records: dict[int, JobRecord] = {}
        # Where job times come from; tests put a clock they can move here.
        self.clock: Callable[[], float] = time.monotonic
        facade.started.connect(self._on_started)
        facade.progress.connect(self._on_progress)
        facade.image_ready.connect(self._on_image_ready)
        facade.export_finished.connect(self._on_export_finished)
        facade.finished.connect(self._on_finished)
        facade.failed.connect(self._on_failed)
        facade.cancelled.connect(self._on_cancelled)
        facade.busy_changed.connect(self._on_busy_changed)

    def generate(self) -> int | None:
        """Queue a job from the view-model; returns its id, or None when it could not start."""
        if self._document.read_only:
            self._notice.show_message(
                "This project was made by a newer Studio and is open read-only: "
                "use File > New Project to generate.",
                "warning",
            )
            return None
        if not self._vm.models:
            self._notice.show_message(
                "No model to generate with: add one with File > Add Model File…", "warning"
            )
            return None
        try:
            request = self._vm.build_request(self._canvas_snapshot())
        except InvalidRequestError as exc:
            self._notice.show_message(str(exc), "error")
            return None
        if not request.prompt.strip() and not self.dialogs.confirm_empty_prompt():
            return None
        return self._queue(request, None, None)

    def _canvas_snapshot(self) -> CanvasSnapshot:
        # The canvas pixels are read only under a painted mask: a plain Generate needs none.
        mask, image = self._canvas.mask_layer.png(), self._canvas.image()
        pixels = array_from_qimage(image) if mask is not None and image is not None else None
        return CanvasSnapshot(mask, pixels)

    def submit(
        self,
        request: JobRequest,
        *,
        source: HistoryEntry | None = None,
        on_result: ResultHandler | None = None,
    ) -> int | None:
        """Queue any request (style transfer too) with the same progress and commit handling.

        Parameters
        ----------
        source
            The entry a style job restyles (its size is where previews are shown).
        on_result
            Called with each committed entry and the job's record instead of emitting
            ``image_committed``, so a result is shown by exactly one owner.
        """
        if self._document.read_only:
            self._notice.show_message("This project is open read-only.", "warning")
            return None
        return self._queue(request, source, on_result)

    def submit_edit(
        self, request: JobRequest, owner: EditOwner, on_result: ResultHandler
    ) -> int | None:
        """Queue an image edit (CPU lane); ``owner`` hears how it ends, ``on_result`` gets
        its committed entry. None when the project is read-only."""
        if self._document.read_only:
            self._notice.show_message("This project is open read-only.", "warning")
            return None
        job_id = self._facade.submit(request)
        self._records[job_id] = JobRecord(job_id, request, None, on_result=on_result, owner=owner)
        return job_id

    def submit_preview(
        self, request: JobRequest, owner: EditOwner, on_pixels: Callable[[int, np.ndarray], None]
    ) -> int:
        """Queue a job whose image is only looked at (a dialog's preview): ``on_pixels`` gets
        its job id and image, the history never does; ``owner`` hears how it ends."""
        job_id = self._facade.submit(request)
        self._records[job_id] = JobRecord(job_id, request, None, owner=owner, on_pixels=on_pixels)
        return job_id

    def submit_export(self, request: ExportRequest, owner: EditOwner) -> int:
        """Queue a sprite-sheet or tile-set export (CPU lane); ``owner`` hears how it ends
        and finds the written files in ``record.written``. Allowed in a read-only project:
        it writes outside the project file."""
        job_id = self._facade.submit(request)
        self._records[job_id] = JobRecord(job_id, request, None, owner=owner)
        return job_id

    def cancel_job(self, job_id: int) -> None:
        """Cancel one job (an export its dialog started); it ends as its lane allows."""
        self._facade.cancel(job_id)

    def submit_batch(self, requests: list[JobRequest]) -> list[int]:
        """Queue the jobs of one batch; the status bar reports them as one when all ended."""
        if self._document.read_only:
            self._notice.show_message("This project is open read-only.", "warning")
            return []
        tally = BatchTally(jobs=len(requests))
        return [self._queue(request, None, None, tally) for request in requests]

    def _queue(
        self,
        request: JobRequest,
        source: HistoryEntry | None,
        on_result: ResultHandler | None,
        batch: BatchTally | None = None,
    ) -> int:
        job_id = self._facade.submit(request)
        target = preview_target(request, source)
        self._records[job_id] = JobRecord(job_id, request, target, source, on_result, batch=batch)
        self._status.set_waiting(self._facade.pending_count - 1)
        return job_id

    def cancel(self) -> None:
        """Cancel the running jobs (edits too) and everything queued (Esc)."""
        if self._facade.is_busy or self._facade.edits_pending:
            self._status.say("Cancelling…")
            self._facade.cancel()

    def images_to_come(self) -> int:
        """Images the submitted GPU jobs have still to make (what closing now would drop):
        a dialog's job counts too (a character sheet's frames), a preview's image does not."""
        return sum(
            max(images_of(r.request) - r.images, 0)
            for r in self._records.values()
            if r.on_pixels is None
        )

    def record(self, job_id: int) -> JobRecord | None:
        """The record of a job that has not ended yet."""
        return self._records.get(job_id)

    # -- worker events ----------------------------------------------------------------------

    def _on_started(self, job_id: int) -> None:
        record = self._records.get(job_id)
        if record is not None and record.owner is not None:
            record.started_at = self.clock()  # the owner's status already says it works
            return
        self._notice.dismiss()
        if record is not None:
            record.started_at = self.clock()
            if record.batch is not None and record.batch.started_at is None:
                record.batch.started_at = record.started_at
        self._status.job_started(waiting=self._facade.pending_count - 1)

    def _on_progress(self, job_id: int, update: ProgressUpdate) -> None:
        record = self._records.get(job_id)
        if record is not None and record.owner is not None:
            return
        self._status.job_progress(update)
        if update.preview is not None and record is not None and record.preview_target:
            self._canvas.show_preview(qimage_from_array(update.preview), record.preview_target)

    def _on_image_ready(self, finished: FinishedImage) -> None:
        preview = self._records.get(finished.job_id)
        if preview is not None and preview.on_pixels is not None:
            preview.on_pixels(finished.job_id, finished.image.pixels)  # looked at, never kept
            return
        # Committed before anything else happens: the image now survives a crash.
        try:
            entry, image = self._document.add_finished(finished)
        except StudioError as exc:  # disk full, project gone: said, not a traceback
            self._notice.show_message(f"A finished image could not be saved: {exc}", "error")
            return
        # Shown from the pixels in hand: the project is never read back to show a result.
        shown = qimage_from_array(image.pixels)
        record = self._records.get(finished.job_id)
        if record is not None:
            record.shown = shown
            record.images += 1
            if record.batch is not None:
                record.batch.images += 1
        request = finished.image.request
        if isinstance(request, GenerationRequest) and request.seed is not None:
            self._vm.show_used_seed(request.seed)
        if record is not None and record.on_result is not None:
            record.on_result(entry, record)
        else:
            self.image_committed.emit(entry, shown)
        if finished.image.warnings:
            self._notice.show_message("\n".join(finished.image.warnings), "warning")

    def _on_export_finished(self, finished: FinishedExport) -> None:
        # Arrives just before the job's `finished`; its owner reads the files from the record.
        record = self._records.get(finished.job_id)
        if record is not None:
            record.written = finished.written

    def _on_finished(self, job_id: int) -> None:
        record = self._records.pop(job_id, None)
        if record is not None and record.owner is not None:
            record.owner.job_ended(record, "finished", "")
            return
        if record is not None and record.batch is not None:
            self._batch_job_ended(record.batch)
            return
        count = record.images if record else 0
        if record is None or record.started_at is None:
            self._status.say(f"Done: {_images(count)}")
            return
        elapsed = format_elapsed(self.clock() - record.started_at)
        self._status.say(f"Done: {_images(count)} in {elapsed}")

    def _batch_job_ended(self, tally: BatchTally) -> None:
        if not tally.end_job():
            self._status.say(f"Batch: {_images(tally.images)} of {tally.jobs} jobs done…")
            return
        failed = f", {tally.failed} failed" if tally.failed else ""
        if tally.cancelled:
            kept = f" ({_images(tally.images)} kept)" if tally.images else ""
            self._status.say(f"Batch cancelled{kept}")
        elif tally.started_at is None:
            self._status.say(f"Done: {_images(tally.images)}{failed}")
        else:
            elapsed = format_elapsed(self.clock() - tally.started_at)
            self._status.say(f"Done: {_images(tally.images)} in {elapsed}{failed}")

    def _on_failed(self, job_id: int, message: str) -> None:
        record = self._records.pop(job_id, None)
        if record is not None and record.owner is not None:
            record.owner.job_ended(record, "failed", message)
            return
        self._canvas.end_preview()
        self._notice.show_message(message, "error")
        if record is not None and record.batch is not None:
            record.batch.failed += 1
            self._batch_job_ended(record.batch)
            return
        self._status.say("Generation failed")

    def _on_cancelled(self, job_id: int) -> None:
        record = self._records.pop(job_id, None)
        if record is not None and record.owner is not None:
            record.owner.job_ended(record, "cancelled", "")
            return
        self._canvas.end_preview()
        if record is not None and record.batch is not None:
            record.batch.cancelled = True
            self._batch_job_ended(record.batch)
            return
        made = record.images if record else 0
        kept = f" ({made} finished image{'s' if made != 1 else ''} kept)" if made else ""
        self._status.say(f"Cancelled{kept}")

    def _on_busy_changed(self, busy: bool) -> None:
        self._vm.busy = busy
        if not busy:
            self._status.set_idle()
            self._status.set_waiting(0)
