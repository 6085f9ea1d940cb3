"""Plain data that crosses the worker boundary: jobs going in, finished images coming out."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from studio.domain.results import GeneratedImage, ProgressUpdate

PROGRESS_INTERVAL_S = 1 / 30  # at most ~30 progress events a second reach the GUI


@dataclass(eq=False)
class Job:
    """A request waiting for or running on the worker, with its own cancel flag."""

    id: int
    request: Any
    cancel: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True, eq=False)
class FinishedImage:
    """One image the worker made, already encoded so the GUI thread only stores it.

    Parameters
    ----------
    png
        Lossless PNG carrying the recipe (A1111 ``parameters`` and ``studio`` chunks).
    thumbnail
        Small PNG for the history panel.
    """

    job_id: int
    image: GeneratedImage
    png: bytes
    thumbnail: bytes


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
