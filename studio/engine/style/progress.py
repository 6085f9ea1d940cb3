"""Progress of a style job across its phases, as :class:`ProgressUpdate` events. No torch."""

from __future__ import annotations

import threading

import numpy as np

from studio.domain.engine_protocol import ProgressCallback
from studio.domain.errors import JobCancelled
from studio.domain.results import ProgressUpdate


class JobProgress:
    """Counts steps of the whole job and reports each one; raises when the job is cancelled.

    Parameters
    ----------
    total
        Steps the job will report (tiles, statistics passes, optimisation iterations...).
    on_progress
        Receives one :class:`ProgressUpdate` per step.
    cancel
        Checked by :meth:`check` and after every step.
    """

    def __init__(self, total: int, on_progress: ProgressCallback, cancel: threading.Event) -> None:
        self.total = max(1, total)
        self.done = 0
        self._on_progress = on_progress
        self.cancel = cancel

    def check(self) -> None:
        """Raise :class:`JobCancelled` if the user cancelled."""
        if self.cancel.is_set():
            raise JobCancelled()

    def phase(self, message: str) -> None:
        """Announce a phase ("Loading style models") without counting a step."""
        self.check()
        self._on_progress(ProgressUpdate(self.done, self.total, message=message))

    def step(self, preview: np.ndarray | None = None) -> None:
        """Count one step done and report it."""
        self.done = min(self.total, self.done + 1)
        self._on_progress(ProgressUpdate(self.done, self.total, preview=preview))
        self.check()
