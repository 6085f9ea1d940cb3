"""The GPU lane's worker object: owns the engine and runs one job at a time."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import QThread, Signal, Slot

from studio.domain.engine_protocol import EngineProtocol
from studio.domain.errors import StudioError
from studio.worker.job_worker import JobWorker, describe_unexpected
from studio.worker.jobs import EngineCall, Job

log = logging.getLogger(__name__)


class InferenceWorker(JobWorker):
    """Runs engine calls on the inference thread and reports through signals.

    Never touched from the GUI thread except through queued signals; every exception of a job
    ends as ``job_failed`` so the worker survives and takes the next job.
    """

    call_done = Signal(int, object)  # call id, what the engine method returned
    call_failed = Signal(int, str)  # call id, message
    engine_ready = Signal()

    def __init__(self, engine: EngineProtocol) -> None:
        super().__init__()
        self._engine = engine

    @Slot(object)
    def run_job(self, job: Job) -> None:
        self.run_images(job, lambda progress: self._engine.run(job.request, progress, job.cancel))

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
