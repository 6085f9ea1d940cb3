"""The leak check itself: a QThread, QTimer or single shot left behind fails the test."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, QThread, QTimer

from tests.leaks import nothing_left_running


class Waiter(QThread):
    """A thread with its own event loop that runs until told to quit."""


def test_a_running_qthread_left_behind_is_reported_and_stopped() -> None:
    thread = Waiter()
    thread.setObjectName("forgotten")
    reported = r"QThreads left running: \[\"Waiter\('forgotten'\)\"\]"
    with pytest.raises(AssertionError, match=reported), nothing_left_running():
        thread.start()
    assert thread.isFinished()


def test_a_qthread_stopped_in_time_is_not_reported() -> None:
    thread = Waiter()
    with nothing_left_running():
        thread.start()
        thread.quit()
        thread.wait()


def test_an_active_qtimer_left_behind_is_reported_and_stopped(qapp) -> None:
    owner = QObject()
    timer = QTimer(owner)
    reported = r"QTimers left active: \['QTimer in QObject'\]"
    with pytest.raises(AssertionError, match=reported), nothing_left_running():
        timer.start(60_000)
    assert not timer.isActive()


def test_a_single_shot_that_never_fired_is_reported(qapp) -> None:
    def remind_me() -> None:
        pass

    reported = r"singleShot callbacks never fired: .*remind_me"
    with pytest.raises(AssertionError, match=reported), nothing_left_running():
        QTimer.singleShot(60_000, remind_me)


def test_a_single_shot_that_fired_or_lost_its_context_is_not_reported(qtbot) -> None:
    fired = []
    with nothing_left_running():
        with qtbot.waitCallback() as done:
            QTimer.singleShot(0, lambda: (fired.append(1), done()))
        context = QObject()
        QTimer.singleShot(60_000, context, lambda: fired.append(2))
        context.deleteLater()
        with qtbot.waitSignal(context.destroyed):
            pass
    assert fired == [1]
