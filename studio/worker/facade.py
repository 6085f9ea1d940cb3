"""The GUI-thread face of the worker and its two lanes.

Two lanes, each a thread with its own worker object and queue: the GPU lane owns the engine
(generation, style transfer), the CPU lane runs image edits (pixelate, matte, make seamless)
and sprite-sheet exports with imaging and ops only. :meth:`EngineFacade.submit` routes a
request to its lane by type; both lanes report through the same signals with job ids from
one counter.

The UI and the tests connect to this object only. It lives on the GUI thread, so its signals
are delivered there; the worker's own signals arrive here through queued connections, relayed
signal to signal (connecting a lambda straight to a worker signal would run it on the worker
thread). Short engine calls (models, presets) share one call/done/failed mechanism, as
superqt's thread workers do: each call's answer goes to the callbacks it was made with.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, assert_never

from PySide6.QtCore import QObject, Qt, Signal, Slot

from studio.domain.character_sheet import CharacterSheetRequest
from studio.domain.engine_protocol import EngineProtocol
from studio.domain.export_requests import SheetExportRequest, TilesetRequest
from studio.domain.image_requests import MakeSeamlessRequest, MatteRequest, PixelateRequest
from studio.domain.jobs import JobRequest
from studio.domain.requests import GenerationRequest
from studio.domain.style import StyleRequest
from studio.domain.upscale_request import UpscaleRequest
from studio.worker.image_worker import ImageWorker
from studio.worker.inference_worker import InferenceWorker
from studio.worker.jobs import EngineCall, Job
from studio.worker.thread import LaneThread


def lane_of(request: JobRequest) -> str:
    """``"gpu"`` for work on the engine, ``"cpu"`` for an image edit or an export (no model)."""
    match request:
        case GenerationRequest() | StyleRequest() | UpscaleRequest() | CharacterSheetRequest():
            return "gpu"
        case PixelateRequest() | MatteRequest() | MakeSeamlessRequest():
            return "cpu"
        case SheetExportRequest() | TilesetRequest():
            return "cpu"  # an export writes files: no model either
        case _:
            assert_never(request)


class EngineFacade(QObject):
    """Submit jobs, cancel them and hear about their progress, all on the GUI thread.

    Signals
    -------
    started(job_id), progress(job_id, ProgressUpdate),
    image_ready(FinishedImage), finished(job_id), failed(job_id, message), cancelled(job_id):
    for the jobs of both lanes.
    export_finished(FinishedExport): the files a sheet export wrote, just before its
    ``finished`` (an export makes no image).
    busy_changed(bool): the GPU lane only (generation's busy state; an edit never blocks it).
    models_changed(list[ModelInfo]), models_failed(message),
    model_added(ModelInfo), model_add_failed(path, message),
    folder_added(ModelAddition): what an added folder holds (failures: model_add_failed),
    addons_changed(list[AddonInfo]): the add-ons in the added folders (failures: models_failed),
    style_presets_ready(list[(index, name, thumbnail png)]), style_presets_failed(message),
    engine_ready().
    """

    started = Signal(int)
    progress = Signal(int, object)
    image_ready = Signal(object)
    export_finished = Signal(object)
    finished = Signal(int)
    failed = Signal(int, str)
    cancelled = Signal(int)
    busy_changed = Signal(bool)
    models_changed = Signal(object)
    models_failed = Signal(str)
    model_added = Signal(object)
    model_add_failed = Signal(str, str)
    folder_added = Signal(object)
    addons_changed = Signal(object)
    style_presets_ready = Signal(object)
    style_presets_failed = Signal(str)
    engine_ready = Signal()

    _submit_job = Signal(object)
    _submit_edit = Signal(object)
    _call = Signal(object)
    _warm_up = Signal()
    _shut_down = Signal()
    _shut_down_edits = Signal()

    def __init__(self, engine: EngineProtocol, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._call_ids = itertools.count(1)
        self._jobs: dict[int, Job] = {}  # queued or running, in submission order
        self._calls: dict[int, tuple[Callable[[Any], None], Callable[[str], None]]] = {}
        self._closed = False
        self._thread = LaneThread("studio-inference")
        self._worker = InferenceWorker(engine)
        self._worker.moveToThread(self._thread)
        self._edit_thread = LaneThread("studio-edits")
        self._edit_worker = ImageWorker()
        self._edit_worker.moveToThread(self._edit_thread)
        self._connect()
        self._thread.start()
        self._edit_thread.start()

    def _connect(self) -> None:
        queued = Qt.ConnectionType.QueuedConnection
        self._submit_job.connect(self._worker.run_job, queued)
        self._call.connect(self._worker.run_call, queued)
        self._warm_up.connect(self._worker.warm_up, queued)
        self._shut_down.connect(self._worker.shut_down, queued)
        self._thread.finished.connect(self._worker.deleteLater)

        self._submit_edit.connect(self._edit_worker.run_job, queued)
        self._shut_down_edits.connect(self._edit_worker.shut_down, queued)
        self._edit_worker.export_ready.connect(self.export_finished, queued)
        self._edit_thread.finished.connect(self._edit_worker.deleteLater)

        for worker in (self._worker, self._edit_worker):
            worker.job_started.connect(self.started, queued)
            worker.job_progress.connect(self.progress, queued)
            worker.image_ready.connect(self.image_ready, queued)
            worker.job_finished.connect(self._on_finished, queued)
            worker.job_failed.connect(self._on_failed, queued)
            worker.job_cancelled.connect(self._on_cancelled, queued)
        worker = self._worker
        worker.call_done.connect(self._on_call_done, queued)
        worker.call_failed.connect(self._on_call_failed, queued)
        worker.engine_ready.connect(self.engine_ready, queued)

    # -- commands ---------------------------------------------------------------------------

    def submit(self, request: JobRequest) -> int:
        """Queue a request on its lane (:func:`lane_of`); returns its job id."""
        if self._closed:
            raise RuntimeError("the inference worker is shut down")
        job = Job(id=next(self._ids), request=request, lane=lane_of(request))
        was_busy = self.is_busy
        self._jobs[job.id] = job
        if job.lane == "cpu":
            self._submit_edit.emit(job)
            return job.id
        if not was_busy:
            self.busy_changed.emit(True)
        self._submit_job.emit(job)
        return job.id

    def cancel(self, job_id: int | None = None) -> None:
        """Cancel one job, or when ``job_id`` is None the running job and everything queued.

        Takes effect within one sampling step; the job then emits ``cancelled``.
        """
        targets = list(self._jobs.values()) if job_id is None else [self._jobs.get(job_id)]
        for job in targets:
            if job is not None:
                job.cancel.set()

    def refresh_models(self) -> None:
        """Ask the engine for the models it can see; answers with ``models_changed``."""
        self.call(
            "list_models",
            (),
            "Listing the models",
            self.models_changed.emit,
            self.models_failed.emit,
        )

    def add_model_path(self, path: str) -> None:
        """Validate a model file or folder on the worker; answers ``model_added`` or failure."""
        self.call(
            "add_model_path",
            (path,),
            f"Adding {path}",
            self.model_added.emit,
            lambda message: self.model_add_failed.emit(path, message),
        )

    def add_model_folder(self, path: str) -> None:
        """Scan a folder of any kinds (an A1111, ComfyUI or InvokeAI install) on the worker;
        answers ``folder_added`` with what it holds, or ``model_add_failed``."""
        self.call(
            "add_model_folder",
            (path,),
            f"Adding {path}",
            self.folder_added.emit,
            lambda message: self.model_add_failed.emit(path, message),
        )

    def refresh_addons(self) -> None:
        """Ask for the add-ons (LoRAs, embeddings...) found; answers ``addons_changed``."""
        self.call(
            "list_addons",
            (),
            "Listing the add-ons",
            self.addons_changed.emit,
            self.models_failed.emit,
        )

    def warm_up(self) -> None:
        """Have the worker import its heavy libraries now; answers ``engine_ready``.

        Importing torch and diffusers holds Python's GIL for a few hundred milliseconds at a
        time, which would freeze the window if it happened during the first generation.
        """
        self._warm_up.emit()

    def load_style_presets(self) -> None:
        """Ask for the preset styles and their thumbnails; answers ``style_presets_ready``."""
        self.call(
            "style_presets",
            (),
            "Loading the preset styles",
            self.style_presets_ready.emit,
            self.style_presets_failed.emit,
        )

    def call(
        self,
        method: str,
        args: tuple[object, ...],
        failure: str,
        on_done: Callable[[Any], None],
        on_failed: Callable[[str], None],
    ) -> None:
        """Run engine ``method(*args)`` on the worker; the answer arrives on the GUI thread.

        Parameters
        ----------
        failure
            What was being done, for the message of an unexpected error (``"Listing the models"``).
        on_done, on_failed
            Called on the GUI thread with the return value, or with the message of the error.
        """
        call = EngineCall(next(self._call_ids), method, tuple(args), failure)
        self._calls[call.id] = (on_done, on_failed)
        self._call.emit(call)

    def shutdown(self, timeout_ms: int = 60_000) -> bool:
        """Cancel everything, close the engine and join both lanes. True when both joined.

        An edit already running ends first (the imaging functions are not interrupted:
        seconds at most, a first matte compile up to a minute).
        """
        if self._closed:
            return True
        self._closed = True
        self.cancel()
        self._shut_down.emit()
        self._shut_down_edits.emit()
        engine_joined = self._thread.wait(timeout_ms)
        return self._edit_thread.wait(timeout_ms) and engine_joined

    # -- state ------------------------------------------------------------------------------

    @property
    def is_busy(self) -> bool:
        """True while the GPU lane has a job (generation, style transfer)."""
        return self.pending_count > 0

    @property
    def pending_count(self) -> int:
        """GPU-lane jobs submitted and not yet ended, the running one included."""
        return sum(job.lane == "gpu" for job in self._jobs.values())

    @property
    def edits_pending(self) -> int:
        """CPU-lane jobs (image edits, exports) submitted and not yet ended."""
        return sum(job.lane == "cpu" for job in self._jobs.values())

    # -- worker events (arrive queued on the GUI thread) -----------------------------------

    @Slot(int, object)
    def _on_call_done(self, call_id: int, result: object) -> None:
        on_done, _ = self._calls.pop(call_id)
        on_done(result)

    @Slot(int, str)
    def _on_call_failed(self, call_id: int, message: str) -> None:
        _, on_failed = self._calls.pop(call_id)
        on_failed(message)

    @Slot(int)
    def _on_finished(self, job_id: int) -> None:
        job = self._jobs.pop(job_id, None)
        self.finished.emit(job_id)
        self._emit_idle_if_done(job)

    @Slot(int, str)
    def _on_failed(self, job_id: int, message: str) -> None:
        job = self._jobs.pop(job_id, None)
        self.failed.emit(job_id, message)
        self._emit_idle_if_done(job)

    @Slot(int)
    def _on_cancelled(self, job_id: int) -> None:
        job = self._jobs.pop(job_id, None)
        self.cancelled.emit(job_id)
        self._emit_idle_if_done(job)

    def _emit_idle_if_done(self, ended: Job | None) -> None:
        if ended is not None and ended.lane == "gpu" and not self.is_busy:
            self.busy_changed.emit(False)
