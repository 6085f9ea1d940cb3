"""The status bar's "Done" line gives the job's real duration, style jobs included."""

from __future__ import annotations

import pytest

from studio.ui.job_controller import format_elapsed
from tests.ui.conftest import TIMEOUT


class MovableClock:
    """A monotonic clock the test moves by hand while the engine waits on an event."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _run_paused_job(qtbot, window, engine, start_job, seconds: float) -> str:
    clock = MovableClock()
    window.jobs.clock = clock
    engine.pause_at = 2
    job_id = start_job()
    assert job_id is not None
    qtbot.waitUntil(engine.paused.is_set, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.jobs.record(job_id).started_at is not None, timeout=TIMEOUT)
    clock.now += seconds  # the job "takes" this long while the engine waits
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        engine.resume.set()
    engine.paused.clear()
    engine.resume.clear()
    engine.pause_at = None
    return window.status.currentMessage()


def _generate(qtbot, window) -> None:
    window.prompt_panel.prompt_edit.setPlainText("a castle")
    window.prompt_panel.steps_spin.setValue(3)
    window.prompt_panel.width_spin.setValue(32)
    window.prompt_panel.height_spin.setValue(32)
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.menu_actions.generate.trigger()


def test_a_style_job_reports_how_long_it_took(qtbot, window, engine) -> None:
    _generate(qtbot, window)
    assert window.styling.add_entry_as_style()
    message = _run_paused_job(qtbot, window, engine, window.styling.apply, 3.4)
    assert message == "Done: 1 image in 3.4 s"


def test_a_generation_reports_how_long_it_took(qtbot, window, engine) -> None:
    window.prompt_panel.prompt_edit.setPlainText("a castle")
    window.prompt_panel.steps_spin.setValue(3)
    window.prompt_panel.width_spin.setValue(32)
    window.prompt_panel.height_spin.setValue(32)
    message = _run_paused_job(qtbot, window, engine, window.jobs.generate, 12.0)
    assert message == "Done: 1 image in 12.0 s"


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.0, "0 ms"), (0.042, "42 ms"), (0.1, "0.1 s"), (65.25, "65.2 s")]
)
def test_short_jobs_read_in_milliseconds_not_as_zero_seconds(seconds: float, text: str) -> None:
    assert format_elapsed(seconds) == text
