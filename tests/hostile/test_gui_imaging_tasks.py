"""Image edits in the window (Remove Background, Pixelate) whatever their code raises.

Each is a job on the worker's CPU lane, never on the GUI thread; each ends in a result or one
message, and the "working" state in the status bar ends with it (RELIABILITY 20, 21). Each
case has a timeout: an edit whose end never reaches the window fails, it does not hang the
run. The imaging function itself is made to fail: the path under test is the real one.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoStack

from studio.diagnostics.error_log import install_error_log
from studio.domain.pixelate_options import PixelateOptions
from studio.imaging.palettes import BUILTIN_PALETTES
from studio.imaging.png import encode_png
from studio.imaging.thumbnails import make_thumbnail
from studio.project.recovery import new_untitled_project
from studio.ui.canvas import CanvasView
from studio.ui.controller import WindowContext
from studio.ui.dialogs import Dialogs
from studio.ui.document import Document
from studio.ui.game_export_controller import GameExportController
from studio.ui.job_controller import JobController
from studio.ui.notice import NoticeBanner
from studio.ui.status_bar import JobStatusBar
from studio.ui.viewmodels.generate import GenerateViewModel
from studio.worker.facade import EngineFacade
from studio.worker.thread import live_threads
from tests.fakes import ScriptedEngine

pytestmark = pytest.mark.timeout(30)
WAIT_MS = 10_000
OPTIONS = PixelateOptions(BUILTIN_PALETTES["PICO-8"], cell=1)


@pytest.fixture
def game(qtbot, tmp_path):
    document = Document(new_untitled_project(tmp_path), untitled=True)
    status, notice, canvas = JobStatusBar(), NoticeBanner(), CanvasView()
    for widget in (status, notice, canvas):
        qtbot.addWidget(widget)
    facade = EngineFacade(ScriptedEngine())
    context = WindowContext(document, facade, canvas, status, notice, QUndoStack(), Dialogs(canvas))
    jobs = JobController(GenerateViewModel(), context)
    controller = GameExportController(context, jobs)
    pixels = np.full((8, 8, 4), 200, dtype=np.uint8)
    entry = document.add_image(
        kind="import", png=encode_png(pixels), thumbnail=make_thumbnail(pixels),
        width=8, height=8, prompt="a slime", recipe={},
    )  # fmt: skip
    yield controller, entry.id, status, notice, jobs
    assert facade.shutdown()
    assert live_threads() == []
    document.close(discard=True)


def _bug(*_args):
    raise RuntimeError("an edit went wrong")


def _memory(*_args):
    raise MemoryError()


def _bad_result(*_args):
    return None  # not (pixels, grid): fails where the result is made into an entry


@pytest.mark.parametrize("edit", [_bug, _memory, _bad_result], ids=["bug", "memory", "result"])
def test_an_edit_that_raises_ends_in_one_message_and_no_working_state(
    qtbot, game, edit, monkeypatch, _private_log_folder
) -> None:
    log = install_error_log()
    monkeypatch.setattr("studio.imaging.pixelart.pixelate", edit)
    controller, entry_id, status, notice, _jobs = game
    before = len(controller._document.entries())
    with qtbot.waitSignal(controller.edit_ended, timeout=WAIT_MS):
        assert controller.pixelate(entry_id, OPTIONS)
        assert status.task_running() and controller.busy
    assert not status.task_running() and not controller.busy
    assert "bug in Studio" in notice.text() and "\n" not in notice.text()
    assert str(log) in notice.text()
    assert status.currentMessage() == "Not pixelated"
    assert len(controller._document.entries()) == before


def _slow_pixelate(monkeypatch):
    from studio.imaging import pixelart

    real, release, threads = pixelart.pixelate, threading.Event(), []

    def slow(pixels, options):
        threads.append(threading.get_ident())
        release.wait(WAIT_MS / 1000)  # stands for a first-run compile of a minute
        return real(pixels, options)

    monkeypatch.setattr("studio.imaging.pixelart.pixelate", slow)
    return release, threads


def test_the_gui_thread_stays_free_while_an_edit_runs(qtbot, game, monkeypatch) -> None:
    controller, entry_id, status, _notice, _jobs = game
    release, threads = _slow_pixelate(monkeypatch)
    ticks = []
    assert controller.pixelate(entry_id, OPTIONS)
    qtbot.waitUntil(lambda: bool(threads), timeout=WAIT_MS)
    QTimer.singleShot(0, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: bool(ticks), timeout=WAIT_MS)  # the event loop runs meanwhile
    assert threads[0] != threading.get_ident()
    assert status.task_running() and status.task_label.text().startswith("Pixelating")
    with qtbot.waitSignal(controller.image_edited, timeout=WAIT_MS):
        release.set()
    qtbot.waitUntil(lambda: not status.task_running(), timeout=WAIT_MS)


def test_esc_cancels_a_running_edit_and_the_working_state_ends(qtbot, game, monkeypatch) -> None:
    controller, entry_id, status, _notice, jobs = game
    release, threads = _slow_pixelate(monkeypatch)
    before = len(controller._document.entries())
    assert controller.pixelate(entry_id, OPTIONS)
    qtbot.waitUntil(lambda: bool(threads), timeout=WAIT_MS)
    with qtbot.waitSignal(controller.edit_ended, timeout=WAIT_MS):
        jobs.cancel()
        release.set()
    assert not status.task_running() and not controller.busy
    assert status.currentMessage() == "Not pixelated (cancelled)"
    assert len(controller._document.entries()) == before
