"""Image edits in the window (Remove Background, Pixelate) whatever their code raises.

Each runs on the pool, never on the GUI thread; each ends in a result or one message, and the
"working" state in the status bar ends with it (RELIABILITY 20, 21). Each case has a timeout:
an edit whose end never reaches the window fails, it does not hang the run.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from studio.diagnostics.error_log import install_error_log
from studio.imaging.png import encode_png
from studio.imaging.thumbnails import make_thumbnail
from studio.project.recovery import new_untitled_project
from studio.ui.document import Document
from studio.ui.game_export_controller import GameExportController
from studio.ui.notice import NoticeBanner
from studio.ui.status_bar import JobStatusBar

pytestmark = pytest.mark.timeout(30)
WAIT_MS = 10_000


@pytest.fixture
def game(qtbot, tmp_path):
    document = Document(new_untitled_project(tmp_path), untitled=True)
    status, notice = JobStatusBar(), NoticeBanner()
    qtbot.addWidget(status)
    qtbot.addWidget(notice)
    controller = GameExportController(document, status, notice)
    pixels = np.full((8, 8, 4), 200, dtype=np.uint8)
    entry = document.add_image(
        kind="import", png=encode_png(pixels), thumbnail=make_thumbnail(pixels),
        width=8, height=8, prompt="a slime", recipe={},
    )  # fmt: skip
    yield controller, entry.id, status, notice
    controller.shut_down()
    document.close(discard=True)


def _bug(_pixels):
    raise ValueError("an edit went wrong")


def _memory(_pixels):
    raise MemoryError()


def _bad_payload(pixels):
    return None  # not (pixels, facts): fails on the GUI thread, where the result is added


@pytest.mark.parametrize("edit", [_bug, _memory, _bad_payload], ids=["bug", "memory", "payload"])
def test_an_edit_that_raises_ends_in_one_message_and_no_working_state(
    qtbot, game, edit, _private_log_folder
) -> None:
    log = install_error_log()
    controller, entry_id, status, notice = game
    before = len(controller._document.entries())
    with qtbot.waitSignal(controller.edit_ended, timeout=WAIT_MS):
        assert controller._start(entry_id, "pixelate", edit, "Pixelating…")
        assert status.task_running() and controller.busy
    assert not status.task_running() and not controller.busy
    assert "bug in Studio" in notice.text() and "\n" not in notice.text()
    assert str(log) in notice.text()
    assert len(controller._document.entries()) == before


def test_the_gui_thread_stays_free_while_an_edit_runs(qtbot, game) -> None:
    controller, entry_id, status, _notice = game
    release, threads = threading.Event(), []

    def slow(pixels):
        threads.append(threading.get_ident())
        release.wait(WAIT_MS / 1000)  # stands for a first-run compile of a minute
        return pixels, {}

    ticks = []
    assert controller._start(entry_id, "matte", slow, "Removing the background…", "preparing")
    qtbot.waitUntil(lambda: bool(threads), timeout=WAIT_MS)
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: bool(ticks), timeout=WAIT_MS)  # the event loop runs meanwhile
    assert threads[0] != threading.get_ident()
    assert status.task_running() and status.task_label.text().startswith("Removing")
    with qtbot.waitSignal(controller.image_edited, timeout=WAIT_MS):
        release.set()
    assert not status.task_running()
