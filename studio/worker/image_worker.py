"""The CPU lane's worker object: runs image edits (pixelate, matte, make seamless),
sprite-sheet and tile-set exports.

It knows imaging and the ops layer, never the engine: an edit or an export needs no model,
so it runs beside generation instead of waiting behind it. Remove Background's first run
(its kernels compile for up to a minute) and an export's packing and file writes never block
the window or a generation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import assert_never

from PySide6.QtCore import QThread, Signal, Slot

from studio.domain.character_sheet import CharacterSheetRequest
from studio.domain.errors import InvalidRequestError
from studio.domain.export_requests import SheetExportRequest, TilesetRequest
from studio.domain.image_requests import (
    ImageRequest,
    MakeSeamlessRequest,
    MatteRequest,
    PixelateRequest,
)
from studio.domain.requests import GenerationRequest
from studio.domain.results import GeneratedImage, ProgressUpdate
from studio.domain.style import StyleRequest
from studio.domain.upscale_request import UpscaleRequest
from studio.imaging import edits
from studio.ops.export import SheetExport, TilesetExport, export_sheet, export_tileset
from studio.worker.job_worker import JobWorker
from studio.worker.jobs import FinishedExport, Job


class ImageWorker(JobWorker):
    """Lives on the CPU lane's thread; one job at a time, in submission order.

    Signals
    -------
    export_ready(FinishedExport)
        The files an export job wrote; its ``job_finished`` follows.
    """

    export_ready = Signal(object)

    @Slot(object)
    def run_job(self, job: Job) -> None:
        request = job.request
        match request:
            case PixelateRequest() | MatteRequest() | MakeSeamlessRequest():
                self._run_edit(job, request)
            case SheetExportRequest():
                self._run_export(job, "sheet", partial(export_sheet, request, job.cancel))
            case TilesetRequest():
                self._run_export(job, "tile set", partial(export_tileset, request, job.cancel))
            case GenerationRequest() | StyleRequest() | UpscaleRequest() | CharacterSheetRequest():
                # lane_of never sends these here; said as one line if it ever did.
                self.run_job_work(job, _refuse(request))
            case _:
                assert_never(request)

    def _run_edit(self, job: Job, request: ImageRequest) -> None:
        def images(on_progress: Callable[[ProgressUpdate], None]) -> Iterator[GeneratedImage]:
            on_progress(ProgressUpdate(0, 1))
            yield edits.run_image_request(request, job.cancel)

        self.run_images(job, images)

    def _run_export(
        self, job: Job, what: str, export: Callable[[], SheetExport | TilesetExport]
    ) -> None:
        def work(on_progress: Callable[[ProgressUpdate], None]) -> None:
            on_progress(ProgressUpdate(0, 1, message=f"Exporting the {what}"))
            written = export().written
            self.export_ready.emit(FinishedExport(job.id, tuple(written)))

        self.run_job_work(job, work)

    @Slot()
    def shut_down(self) -> None:
        QThread.currentThread().quit()


def _refuse(request: object) -> Callable[[Callable[[ProgressUpdate], None]], None]:
    def work(_on_progress: Callable[[ProgressUpdate], None]) -> None:
        raise InvalidRequestError(
            f"The CPU lane does not run {type(request).__name__} jobs; they need the engine."
        )

    return work
