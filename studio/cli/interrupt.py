"""Ctrl+C as the job path's cancel: the export commands stop at their next checkpoint."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def ctrl_c_cancels() -> Iterator[threading.Event]:
    """Within the block, Ctrl+C sets the yielded event instead of raising KeyboardInterrupt.

    The work checks the event where stopping leaves nothing behind (as the window's Cancel
    does), so Ctrl+C never lands between two file writes of an export and leaves half of it.
    The previous handler comes back when the block ends.
    """
    cancel = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: cancel.set())
    try:
        yield cancel
    finally:
        signal.signal(signal.SIGINT, previous)
