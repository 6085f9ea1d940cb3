"""The worker object: lives on the inference thread and runs one job at a time."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import QObject, QThread, Signal, Slot

from studio.diagnostics.error_log import report_bug
from studio.domain.engine_protocol import EngineProtocol
from studio.domain.errors import JobCancelled, StudioError
from studio.domain.results import GeneratedImage, ProgressUpdate
from studio.imaging.result import encode_result
from studio.worker.jobs import EngineCall, FinishedImage, Job, ProgressThrottle

log = logging.getLogger(__name__)


def describe_unexpected(exc: BaseException, doing: str = "The job") -> str:
    """A failure the engine did not anticipate: traceback to the log file, a message to show.

    The message is short, says what failed and names the log file (RELIABILITY 21).
    """
    return report_bug(exc, doing)


class InferenceWorker(QObject):
    """Runs engine calls on the inference thread and reports through signals.

    Never touched from the GUI thread except through queued signals; every exception of a job
    ends as ``job_failed`` so the worker survives and takes the next job.
    """

    job_started = Signal(int)
    job_progress = Signal(int, object)  # job id, ProgressUpdate
    image_ready = Signal(object)  # FinishedImage
    job_finished = Signal(int)
    job_failed = Signal(int, str)
    job_cancelled = Signal(int)
    call_done = Signal(int, object)  # call id, what the engine method returned
    call_failed = Signal(int, str)  # call id, message
    engine_ready = Signal()

    def __init__(self, engine: EngineProtocol) -> None:
        super().__init__()
        self._engine = engine

    @Slot(object)
    def run_job(self, job: Job) -> None:
        if job.cancel.is_set():  # cancelled while it waited in the queue
            self.job_cancelled.emit(job.id)
            return
        self.job_started.emit(job.id)
        throttle = ProgressThrottle()

        def on_progress(update: ProgressUpdate) -> None:
            if throttle.admit(update):
                self.job_progress.emit(job.id, update)

        try:
            for image in self._engine.run(job.request, on_progress, job.cancel):
                # A cancel that arrived while the image was decoded wins: a cancelled job
                # adds nothing to history (RELIABILITY 11).
                if job.cancel.is_set():
                    raise JobCancelled()
                self.image_ready.emit(self._finish(job.id, image))
        except JobCancelled:
            self.job_cancelled.emit(job.id)
        except StudioError as exc:
            self.job_failed.emit(job.id, str(exc))
        except Exception as exc:  # the worker must survive anything a job throws
            self.job_failed.emit(job.id, describe_unexpected(exc, f"Job {job.id}"))
        else:
            self.job_finished.emit(job.id)

    def _finish(self, job_id: int, image: GeneratedImage) -> FinishedImage:
        # Encoding here keeps PNG compression and the recipe's JSON off the GUI thread.
        return FinishedImage(job_id=job_id, result=encode_result(image))

    @Slot()
    def warm_up(self) -> None:
        try:
            self._engine.warm_up()
        except Exception:  # a failed warm-up only means the first job pays the import time
            log.warning("engine warm-up failed:\n%s", traceback.format_exc())
        self.engine_ready.emit()

    @Slot(object)
    def run_call(self, call: EngineCall) -> None:
        """Run one short engine method and answer ``call_done`` or ``call_failed``."""
        try:
            result = getattr(self._engine, call.method)(*call.args)
        except StudioError as exc:
            self.call_failed.emit(call.id, str(exc))
        except Exception as exc:  # the worker must survive anything a call throws
            self.call_failed.emit(call.id, describe_unexpected(exc, call.failure))
        else:
            self.call_done.emit(call.id, result)

    @Slot()
    def shut_down(self) -> None:
        try:
            self._engine.close()
        except Exception:
            log.error("closing the engine failed:\n%s", traceback.format_exc())
        thread = QThread.currentThread()
        thread.quit()
