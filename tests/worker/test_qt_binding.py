"""Guards against Qt binding bugs that would crash Studio rather than fail a feature."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QCoreApplication, QEventLoop

# From Python 3.12 None is immortal (PEP 683): its count is fixed, a lost reference can
# neither show nor crash, so the check below could not fail there.
NONE_IS_IMMORTAL = sys.version_info >= (3, 12)


@pytest.mark.skipif(NONE_IS_IMMORTAL, reason="None is immortal from Python 3.12 (PEP 683)")
def test_process_events_keeps_references_to_none(qapp) -> None:
    # PySide6 6.12.0 decrements None on every call: Python 3.11 aborts once it reaches zero.
    before = sys.getrefcount(None)
    for _ in range(3000):
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 1)
    assert sys.getrefcount(None) > before - 500
