"""The worker object: lives on the inference thread and runs one job at a time."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import QObject, QThread, Signal, Slot

from studio.domain.engine_protocol import EngineProtocol
from studio.domain.errors import JobCancelled, StudioError
from studio.domain.results import GeneratedImage, ProgressUpdate
from studio.imaging.result import encode_result
from studio.worker.jobs import FinishedImage, Job, ProgressThrottle

log = logging.getLogger(__name__)


def describe_unexpected(exc: BaseException) -> str:
    """A message for a failure the engine did not anticipate, still useful to a person."""
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return (
        f"The job failed unexpectedly ({type(exc).__name__}: {detail}). "
        "Try again; if it keeps failing, restart Studio."
    )


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
    models_listed = Signal(object)  # list[ModelInfo]
    models_failed = Signal(str)
    model_added = Signal(object)  # ModelInfo
    model_add_failed = Signal(str, str)  # path, message
    engine_ready = Signal()
    style_presets_listed = Signal(object)  # list[(index, name, png or None)]
    style_presets_failed = Signal(str)

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
                self.image_ready.emit(self._finish(job.id, image))
                if job.cancel.is_set():
                    raise JobCancelled()
        except JobCancelled:
            self.job_cancelled.emit(job.id)
        except StudioError as exc:
            self.job_failed.emit(job.id, str(exc))
        except Exception as exc:  # the worker must survive anything a job throws
            log.error("job %s failed:\n%s", job.id, traceback.format_exc())
            self.job_failed.emit(job.id, describe_unexpected(exc))
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

    @Slot()
    def list_models(self) -> None:
        try:
            self.models_listed.emit(self._engine.list_models())
        except StudioError as exc:
            self.models_failed.emit(str(exc))
        except Exception as exc:
            log.error("listing models failed:\n%s", traceback.format_exc())
            self.models_failed.emit(f"Could not list models: {exc}")

    @Slot(str)
    def add_model_path(self, path: str) -> None:
        try:
            self.model_added.emit(self._engine.add_model_path(path))
        except StudioError as exc:
            self.model_add_failed.emit(path, str(exc))
        except Exception as exc:
            log.error("adding %s failed:\n%s", path, traceback.format_exc())
            self.model_add_failed.emit(path, f"Could not add {path}: {exc}")

    @Slot()
    def list_style_presets(self) -> None:
        try:
            self.style_presets_listed.emit(self._engine.style_presets())
        except StudioError as exc:
            self.style_presets_failed.emit(str(exc))
        except Exception as exc:
            log.error("listing style presets failed:\n%s", traceback.format_exc())
            self.style_presets_failed.emit(f"Could not load the preset styles: {exc}")

    @Slot()
    def shut_down(self) -> None:
        try:
            self._engine.close()
        except Exception:
            log.error("closing the engine failed:\n%s", traceback.format_exc())
        thread = QThread.currentThread()
        thread.quit()
