"""The CPU lane's worker object: runs image edits (pixelate, matte, make seamless).

It knows imaging, never the engine: an edit needs no model, so it runs beside generation
instead of waiting behind it, and Remove Background's first run (its kernels compile for up
to a minute) never blocks the window or a generation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtCore import QThread, Slot

from studio.domain.image_requests import ImageRequest
from studio.domain.results import GeneratedImage, ProgressUpdate
from studio.imaging import edits
from studio.worker.job_worker import JobWorker
from studio.worker.jobs import Job


class ImageWorker(JobWorker):
    """Lives on the CPU lane's thread; one edit at a time, in submission order."""

    @Slot(object)
    def run_job(self, job: Job) -> None:
        request: ImageRequest = job.request  # type: ignore[assignment]

        def images(on_progress: Callable[[ProgressUpdate], None]) -> Iterator[GeneratedImage]:
            on_progress(ProgressUpdate(0, 1))
            yield edits.run_image_request(request, job.cancel)

        self.run_images(job, images)

    @Slot()
    def shut_down(self) -> None:
        QThread.currentThread().quit()
