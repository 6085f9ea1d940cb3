"""Which thread an export writes on: the UI and worker tests check it is the CPU lane's."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThread

import studio.ops.export as export


def record_write_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The object names of the threads that call ``write_export``, filled as they call it."""
    threads: list[str] = []
    real_write = export.write_export

    def spy(*args, **kwargs):
        threads.append(QThread.currentThread().objectName())
        return real_write(*args, **kwargs)

    monkeypatch.setattr(export, "write_export", spy)
    return threads
