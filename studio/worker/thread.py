"""The worker's threads (one per lane), tracked so tests can prove none is left running."""

from __future__ import annotations

import weakref

from PySide6.QtCore import QThread

_LIVE_THREADS: weakref.WeakSet[QThread] = weakref.WeakSet()


class LaneThread(QThread):
    """One lane of the worker: GPU work (the engine) or CPU work (image edits).

    It runs Qt's event loop (the default ``run``), so queued calls to the worker object
    living on it execute one after another: that is the lane's job queue.
    """

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        _LIVE_THREADS.add(self)


def live_threads() -> list[str]:
    """Names of worker threads that are still running."""
    alive = []
    for thread in list(_LIVE_THREADS):
        try:
            running = thread.isRunning()
        except RuntimeError:  # the C++ object is already gone: not running
            continue
        if running:
            alive.append(thread.objectName())
    return alive
