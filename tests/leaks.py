"""What a test leaves running: Python threads, QThreads, active QTimers, pending single shots.

The autouse fixture in ``tests/conftest.py`` wraps every test in :func:`nothing_left_running`.
A leak is reported as a failure of the test that caused it, not as a crash or a stray
callback in whichever test runs next (napari's test suite checks the same things).

Qt objects are seen by wrapping ``QThread.start``, ``QTimer.start`` and ``QTimer.singleShot``
once PySide6.QtCore is loaded; tests that never import Qt never load it for this check.
Started objects are held weakly, so a timer or thread that the code dropped (and Qt deleted)
is not mistaken for a leak.
"""

from __future__ import annotations

import contextlib
import itertools
import sys
import threading
import weakref
from collections.abc import Iterator
from typing import Any

# Long enough for a thread told to quit to finish its event loop, short enough for teardown.
STOP_WAIT_MS = 5_000


class _QtTracker:
    """Remembers the QThreads and QTimers started, and single shots still to fire."""

    def __init__(self) -> None:
        self.threads: weakref.WeakSet[Any] = weakref.WeakSet()
        self.timers: weakref.WeakSet[Any] = weakref.WeakSet()
        self.pending_shots: dict[int, str] = {}
        self._shot_ids = itertools.count()
        self._lock = threading.Lock()  # single shots may be armed from the worker thread

    def install(self) -> None:
        from PySide6.QtCore import QThread, QTimer

        start_thread, start_timer, single_shot = QThread.start, QTimer.start, QTimer.singleShot
        tracker = self

        def tracked_thread_start(thread: QThread, *args: Any) -> None:
            with tracker._lock:
                tracker.threads.add(thread)
            start_thread(thread, *args)

        def tracked_timer_start(timer: QTimer, *args: Any) -> None:
            with tracker._lock:
                tracker.timers.add(timer)
            start_timer(timer, *args)

        def tracked_single_shot(*args: Any) -> None:
            single_shot(*tracker.watch_single_shot(args))

        QThread.start = tracked_thread_start
        QTimer.start = tracked_timer_start
        QTimer.singleShot = staticmethod(tracked_single_shot)

    def watch_single_shot(self, args: tuple[Any, ...]) -> tuple[Any, ...]:
        """``singleShot``'s arguments with the callback wrapped so its firing is seen."""
        from PySide6.QtCore import QObject

        callback = args[-1]
        if isinstance(callback, str) or not callable(callback):
            return args  # the (receiver, "SLOT(...)") form: not traced
        context = next((a for a in args[1:-1] if isinstance(a, QObject)), None)
        receiver = getattr(callback, "__self__", None)
        if context is None and isinstance(receiver, QObject):
            # A bound slot of a QObject dies with it, as Qt's own singleShot would.
            context = receiver
            args = (args[0], receiver, *args[1:])
        with self._lock:
            shot = next(self._shot_ids)
            self.pending_shots[shot] = f"{getattr(callback, '__qualname__', callback)!s}"

        def fired(*call_args: Any) -> None:
            self._forget_shot(shot)
            callback(*call_args)

        if context is not None:
            # Qt drops the call if its context object goes first; so does the count.
            context.destroyed.connect(lambda *_: self._forget_shot(shot))
        return (*args[:-1], fired)

    def _forget_shot(self, shot: int) -> None:
        with self._lock:
            self.pending_shots.pop(shot, None)

    def forget(self) -> None:
        """Start a new test with nothing remembered."""
        with self._lock:
            self.threads = weakref.WeakSet()
            self.timers = weakref.WeakSet()
            self.pending_shots.clear()

    def leaks(self) -> list[str]:
        """One line per kind of thing still running; the leaked threads and timers stopped."""
        import shiboken6
        from PySide6.QtCore import QThread

        with self._lock:
            started_threads, started_timers = list(self.threads), list(self.timers)
            shots = sorted(self.pending_shots.values())
        threads = [t for t in started_threads if shiboken6.isValid(t) and t.isRunning()]
        timers = [t for t in started_timers if shiboken6.isValid(t) and t.isActive()]
        problems = []
        if threads:
            problems.append(f"QThreads left running: {[_describe(t) for t in threads]}")
        if timers:
            problems.append(f"QTimers left active: {[_describe(t) for t in timers]}")
        if shots:
            problems.append(f"QTimer.singleShot callbacks never fired: {shots}")
        # Stop them so the next test starts clean and the process can exit.
        for timer in timers:
            if timer.thread() is QThread.currentThread():
                timer.stop()
        for thread in threads:
            thread.quit()
            thread.wait(STOP_WAIT_MS)
        self.forget()
        return problems


def _describe(qobject: Any) -> str:
    name = qobject.objectName()
    kind = type(qobject).__name__
    parent = qobject.parent()
    owner = f" in {type(parent).__name__}" if parent is not None else ""
    return f"{kind}({name!r}){owner}" if name else f"{kind}{owner}"


_tracker: _QtTracker | None = None


def _qt_tracker() -> _QtTracker | None:
    """The tracker, installed on first use once Qt is loaded; ``None`` while it is not."""
    global _tracker
    if _tracker is None and "PySide6.QtCore" in sys.modules:
        _tracker = _QtTracker()
        _tracker.install()
    return _tracker


@contextlib.contextmanager
def nothing_left_running() -> Iterator[None]:
    """Fail (``AssertionError``) if the block leaves a thread, QThread or QTimer running.

    Raises
    ------
    AssertionError
        Naming every Python thread, QThread, active QTimer and unfired single shot that the
        block started and left behind; the Qt ones are stopped first.
    """
    before = set(threading.enumerate())
    tracker = _qt_tracker()
    if tracker is not None:
        tracker.forget()
    yield
    problems = []
    leaked = [
        t
        for t in threading.enumerate()
        if t not in before and t.is_alive() and not t.daemon and t is not threading.main_thread()
    ]
    if leaked:
        problems.append(f"threads left running: {leaked}")
    tracker = _qt_tracker()  # Qt may have been loaded during the block
    if tracker is not None:
        problems.extend(tracker.leaks())
    assert not problems, "; ".join(problems)
