"""What the window keeps about each submitted job until it ends, and how it words times.

A job's record (:class:`JobRecord`) holds what its events need: where previews go, which
entry a style result restyles, when it started, how many images it made, the batch it
belongs to, and for an image edit or an export its owner (:class:`EditOwner`), who says how
it ended; an export's record also holds the files it wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, assert_never

import numpy as np
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage

from studio.domain.character_sheet import CharacterSheetRequest
from studio.domain.export_requests import SheetExportRequest, TilesetRequest
from studio.domain.history import HistoryEntry
from studio.domain.image_requests import MakeSeamlessRequest, MatteRequest, PixelateRequest
from studio.domain.jobs import JobRequest
from studio.domain.requests import GenerationRequest
from studio.domain.style import StyleRequest
from studio.domain.upscale_request import UpscaleRequest
from studio.worker.facade import lane_of

ResultHandler = Callable[[HistoryEntry, "JobRecord"], None]


class EditOwner(Protocol):
    """Who started an image edit or an export and says how it ended (the status bar, a
    message)."""

    def job_ended(self, record: JobRecord, outcome: str, message: str) -> None:
        """``outcome`` is ``"finished"``, ``"failed"`` (``message`` says why) or
        ``"cancelled"``; a finished edit whose result could not be saved has
        ``record.images == 0``; a finished export lists its files in ``record.written``."""


@dataclass(eq=False)
class BatchTally:
    """Jobs queued together (Image > Batch…) are reported as one: the status bar counts the
    whole batch when its last job ends, not the last job's one image."""

    jobs: int
    started_at: float | None = None
    ended: int = 0
    images: int = 0
    failed: int = 0
    cancelled: bool = False

    def end_job(self) -> bool:
        """Count one ended job; True when it was the batch's last."""
        self.ended += 1
        return self.ended >= self.jobs


@dataclass(eq=False)
class JobRecord:
    """What the window knows about one submitted job until it ends.

    Parameters
    ----------
    preview_target
        Size previews are stretched to: the coming image's size (the request's for a
        generation, the source entry's for a style job).
    source
        The history entry a style job restyles; ``None`` for a generation.
    on_result
        Who shows a committed result; ``None`` means the controller's ``image_committed``.
    batch
        Shared by the jobs of one batch, which are reported together.
    owner
        Set for an image edit or an export: it reports the end instead of the generation
        status.
    written
        The files an export job wrote (empty for every other job).
    shown
        The last committed image of the job, as stored, for its owner to show without
        reading the project back.
    on_pixels
        Set for a preview job (the upscale dialog's crop): its job id and image go here,
        never into the history.
    """

    job_id: int
    request: JobRequest
    preview_target: QSize | None
    source: HistoryEntry | None = None
    on_result: ResultHandler | None = None
    started_at: float | None = None
    images: int = 0
    batch: BatchTally | None = None
    owner: EditOwner | None = None
    written: tuple[Path, ...] = ()
    shown: QImage | None = None
    on_pixels: Callable[[int, np.ndarray], None] | None = None


def preview_target(request: JobRequest, source: HistoryEntry | None) -> QSize | None:
    """The size a job's previews are shown at, or ``None`` when it cannot be known."""
    match request:
        case GenerationRequest(width=width, height=height):
            return QSize(width, height)
        case CharacterSheetRequest(generation=generation):
            return QSize(generation.width, generation.height)
        case StyleRequest():
            # The result is scaled back to the source's size, whatever size the work ran at.
            return None if source is None else QSize(source.width, source.height)
        case (
            PixelateRequest()
            | MatteRequest()
            | MakeSeamlessRequest()
            | UpscaleRequest()
            | SheetExportRequest()
            | TilesetRequest()
        ):
            return None  # an edit, an upscale or an export sends no previews
        case _:
            assert_never(request)  # a new JobRequest kind must say its preview size


def images_of(request: JobRequest) -> int:
    """How many history images the GPU lane makes for ``request``; 0 for the CPU lane's
    edits and exports (the close guard words a running edit on its own)."""
    match request:
        case GenerationRequest(batch_count=count):
            return count
        case CharacterSheetRequest(sequence=sequence):
            return len(sequence.poses)  # one frame per pose, whoever owns the job
        case _:
            return 1 if lane_of(request) == "gpu" else 0  # style, upscale: one image


def format_elapsed(seconds: float) -> str:
    """A job's duration for the status bar: ``"40 ms"`` below a tenth of a second, else
    ``"2.5 s"`` (a fast style job must not read as "0.0 s")."""
    if seconds < 0.1:
        return f"{max(seconds, 0.0) * 1000:.0f} ms"
    return f"{seconds:.1f} s"
