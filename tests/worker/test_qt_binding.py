"""Guards against Qt binding bugs that would crash Studio rather than fail a feature."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QEventLoop


def test_process_events_keeps_references_to_none(qapp) -> None:
    # PySide6 6.12.0 decrements None on every call: Python 3.11 aborts once it reaches zero.
    before = sys.getrefcount(None)
    for _ in range(3000):
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 1)
    assert sys.getrefcount(None) > before - 500
