"""Plain data that crosses the worker boundary: jobs going in, finished images and exports
coming out."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from studio.domain.jobs import JobRequest
from studio.domain.results import GeneratedImage, ProgressUpdate
from studio.imaging.result import EncodedResult

PROGRESS_INTERVAL_S = 1 / 30  # at most ~30 progress events a second reach the GUI


@dataclass(eq=False)
class Job:
    """A request waiting for or running on the worker, with its own cancel flag.

    ``lane`` is ``"gpu"`` (the engine's thread) or ``"cpu"`` (image edits).
    """

    id: int
    request: JobRequest
    lane: str = "gpu"
    cancel: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True, eq=False)
class EngineCall:
    """A short engine method call run on the worker (listing models, presets...).

    ``failure`` says what was being done, for the message of an unexpected error
    (``"Listing the models"``).
    """

    id: int
    method: str
    args: tuple[object, ...] = ()
    failure: str = "The engine call"


@dataclass(frozen=True, eq=False)
class FinishedImage:
    """One image of job ``job_id``, already encoded so the GUI thread only stores it.

    ``result`` carries the PNG with its recipe, the thumbnail and the history fields; the
    recipe was computed once, on the worker (see :func:`studio.imaging.result.encode_result`).
    """

    job_id: int
    result: EncodedResult

    @property
    def image(self) -> GeneratedImage:
        return self.result.image

    @property
    def png(self) -> bytes:
        return self.result.png

    @property
    def thumbnail(self) -> bytes:
        return self.result.thumbnail


@dataclass(frozen=True)
class FinishedExport:
    """The files export job ``job_id`` wrote, in order (a sheet export: never a history image).

    Emitted just before the job's ``finished``, so whoever submitted the export knows what
    to report when it ends.
    """

    job_id: int
    written: tuple[Path, ...]


class ProgressThrottle:
    """Decides which progress updates are worth sending to the GUI.

    The first update, phase messages and the last step always pass; the rest at most every
    ``interval_s`` so a fast model cannot flood the event loop.
    """

    def __init__(
        self, interval_s: float = PROGRESS_INTERVAL_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._interval = interval_s
        self._clock = clock
        self._last: float | None = None
        self._last_message = ""

    def admit(self, update: ProgressUpdate) -> bool:
        now = self._clock()
        is_new_phase = update.message != self._last_message
        is_last = update.total > 0 and update.step >= update.total
        due = self._last is None or now - self._last >= self._interval
        if due or is_new_phase or is_last:
            self._last = now
            self._last_message = update.message
            return True
        return False
