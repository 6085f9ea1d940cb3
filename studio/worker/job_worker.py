"""What every lane's worker object shares: the job signals and how a job ends.

A job ends in exactly one of ``job_finished``, ``job_failed`` (one line) or
``job_cancelled``, whatever its code raises, so the worker survives and takes the next job
and the window's "working" state always ends (RELIABILITY 20, 21).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, Signal

from studio.diagnostics.error_log import report_bug
from studio.domain.errors import JobCancelled, StudioError
from studio.domain.results import GeneratedImage, ProgressUpdate
from studio.imaging.result import encode_result
from studio.worker.jobs import FinishedImage, Job, ProgressThrottle

# Makes a job's images, reporting progress through the callback it is given.
ImageSource = Callable[[Callable[[ProgressUpdate], None]], Iterable[GeneratedImage]]
# Does a job's work, reporting progress through the callback it is given (its results are
# emitted by the work itself: images, or the files an export wrote).
JobWork = Callable[[Callable[[ProgressUpdate], None]], None]


def describe_unexpected(exc: BaseException, doing: str = "The job") -> str:
    """A failure the code did not anticipate: traceback to the log file, a message to show.

    The message is short, says what failed and names the log file (RELIABILITY 21).
    """
    return report_bug(exc, doing)


class JobWorker(QObject):
    """Base of the lane workers: runs a job's images to one ending and reports by signals."""

    job_started = Signal(int)
    job_progress = Signal(int, object)  # job id, ProgressUpdate
    image_ready = Signal(object)  # FinishedImage
    job_finished = Signal(int)
    job_failed = Signal(int, str)
    job_cancelled = Signal(int)

    def run_images(self, job: Job, images: ImageSource) -> None:
        """Run ``images`` for ``job``; every image is encoded here, off the GUI thread."""

        def work(on_progress: Callable[[ProgressUpdate], None]) -> None:
            for image in images(on_progress):
                # A cancel that arrived while the image was made wins: a cancelled job
                # adds nothing to history (RELIABILITY 11).
                if job.cancel.is_set():
                    raise JobCancelled()
                # Encoding here keeps PNG compression and the recipe's JSON off the GUI thread.
                self.image_ready.emit(FinishedImage(job_id=job.id, result=encode_result(image)))

        self.run_job_work(job, work)

    def run_job_work(self, job: Job, work: JobWork) -> None:
        """Run ``work`` for ``job`` to exactly one ending, whatever it raises.

        A job cancelled while it waited in the queue never starts; ``JobCancelled`` ends it
        as cancelled, a :class:`StudioError` as failed with its one line, anything else as
        failed with the "bug in Studio" line (the traceback goes to the log file).
        """
        if job.cancel.is_set():  # cancelled while it waited in the queue
            self.job_cancelled.emit(job.id)
            return
        self.job_started.emit(job.id)
        throttle = ProgressThrottle()

        def on_progress(update: ProgressUpdate) -> None:
            if throttle.admit(update):
                self.job_progress.emit(job.id, update)

        try:
            work(on_progress)
        except JobCancelled:
            self.job_cancelled.emit(job.id)
        except StudioError as exc:
            self.job_failed.emit(job.id, str(exc))
        except Exception as exc:  # the worker must survive anything a job throws
            self.job_failed.emit(job.id, describe_unexpected(exc, f"Job {job.id}"))
        else:
            self.job_finished.emit(job.id)
