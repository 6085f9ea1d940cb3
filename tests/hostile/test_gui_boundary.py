"""The GUI's part of the error boundary: a bug escaping a slot is one dialog naming the log."""

from __future__ import annotations

import sys

from studio.diagnostics.error_log import install_error_log


def test_an_uncaught_exception_becomes_one_message_and_a_logged_traceback(
    qtbot, monkeypatch, _private_log_folder
) -> None:
    from studio.app import install_excepthook
    from tests.ui.conftest import FakeDialogs

    log = install_error_log()
    dialogs = FakeDialogs()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    install_excepthook(dialogs)
    try:
        raise KeyError("a slot went wrong")
    except KeyError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    ((title, text),) = dialogs.errors
    assert title == "Studio hit a bug"
    assert text == (
        f"Studio failed because of a bug in Studio (KeyError); the details are in {log}. "
        "Please include that file if you report it."
    )
    logged = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged and "a slot went wrong" in logged
