"""The inference QThread, tracked so tests can prove none is left running."""

from __future__ import annotations

import weakref

from PySide6.QtCore import QThread

_LIVE_THREADS: weakref.WeakSet[QThread] = weakref.WeakSet()


class InferenceThread(QThread):
    """The one thread that owns the engine; GPU work is serialised on it.

    It runs Qt's event loop (the default ``run``), so queued calls to the worker object
    living on it execute one after another: that is the job queue.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("studio-inference")
        _LIVE_THREADS.add(self)


def live_threads() -> list[str]:
    """Names of inference threads that are still running."""
    alive = []
    for thread in list(_LIVE_THREADS):
        try:
            running = thread.isRunning()
        except RuntimeError:  # the C++ object is already gone: not running
            continue
        if running:
            alive.append(thread.objectName())
    return alive
