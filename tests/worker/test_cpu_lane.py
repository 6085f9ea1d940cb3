"""The worker's CPU lane: image edits as jobs beside generation, same signals and endings."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest

from studio.diagnostics.error_log import install_error_log
from studio.domain.image_requests import (
    EditSource,
    MakeSeamlessRequest,
    MatteRequest,
    PixelateRequest,
)
from studio.domain.pixelate_options import PixelateOptions
from studio.domain.requests import GenerationRequest
from studio.imaging.palettes import BUILTIN_PALETTES
from studio.imaging.png import png_text_chunks
from studio.worker.facade import EngineFacade, lane_of
from studio.worker.thread import live_threads
from tests.fakes import ScriptedEngine

pytestmark = pytest.mark.timeout(60)
TIMEOUT = 10_000


@pytest.fixture
def engine() -> ScriptedEngine:
    return ScriptedEngine()


@pytest.fixture
def facade(qtbot, engine):
    facade = EngineFacade(engine)
    yield facade
    assert facade.shutdown()
    assert live_threads() == []


def _pixelate(source_entry_id: int = 0) -> PixelateRequest:
    pixels = np.full((8, 8, 4), 200, dtype=np.uint8)
    palette = BUILTIN_PALETTES["PICO-8"]
    return PixelateRequest(pixels, PixelateOptions(palette, cell=1),
                           source=EditSource(source_entry_id, "a slime", {"seed": 1}))  # fmt: skip


def test_requests_go_to_their_lane() -> None:
    pixels = np.zeros((4, 4, 3), dtype=np.uint8)
    assert lane_of(GenerationRequest("a")) == "gpu"
    for request in (_pixelate(), MatteRequest(pixels), MakeSeamlessRequest(pixels)):
        assert lane_of(request) == "cpu"


def test_an_edit_is_a_job_with_a_result_carrying_its_recipe(qtbot, facade) -> None:
    events: list[tuple] = []
    busy: list[bool] = []
    facade.busy_changed.connect(busy.append)
    facade.started.connect(lambda j: events.append(("started", j)))
    facade.image_ready.connect(lambda f: events.append(("image", f)))
    with qtbot.waitSignal(facade.finished, timeout=TIMEOUT) as finished:
        job_id = facade.submit(_pixelate(source_entry_id=3))
        assert facade.edits_pending == 1 and not facade.is_busy
    assert finished.args == [job_id] and events[0] == ("started", job_id)
    finished_image = events[-1][1]
    assert finished_image.job_id == job_id and finished_image.result.kind == "pixelate"
    recipe = json.loads(png_text_chunks(finished_image.png)["studio"])
    assert recipe["request_type"] == "PixelateRequest"
    assert recipe["request"]["source_entry_id"] == 3 and recipe["request"]["palette"] == "PICO-8"
    assert recipe["extra"]["source_recipe"] == {"seed": 1}
    assert finished_image.result.history_text == "a slime"
    assert busy == [] and facade.edits_pending == 0  # an edit never makes generation busy


def test_an_edit_runs_while_the_gpu_lane_is_busy(qtbot, facade, engine) -> None:
    engine.pause_at = 1
    facade.submit(GenerationRequest("slow", steps=4, width=16, height=16))
    qtbot.waitUntil(engine.paused.is_set, timeout=TIMEOUT)
    with qtbot.waitSignal(facade.finished, timeout=TIMEOUT):
        facade.submit(_pixelate())
    assert facade.is_busy  # the generation still waits at its step
    with qtbot.waitSignal(facade.busy_changed, timeout=TIMEOUT, check_params_cb=lambda b: not b):
        engine.resume.set()


def test_an_imaging_bug_is_one_message_and_the_lane_takes_the_next_edit(
    qtbot, facade, monkeypatch
) -> None:
    log = install_error_log()

    def broken(*_args, **_kwargs):
        raise RuntimeError("the dither went wrong")

    monkeypatch.setattr("studio.imaging.pixelart.pixelate", broken)
    with qtbot.waitSignal(facade.failed, timeout=TIMEOUT) as failed:
        facade.submit(_pixelate())
    message = failed.args[1]
    assert "bug in Studio (RuntimeError)" in message and "\n" not in message
    assert str(log) in message
    monkeypatch.undo()
    with qtbot.waitSignal(facade.finished, timeout=TIMEOUT):
        facade.submit(_pixelate())


def test_a_refused_edit_is_its_own_one_line_message(qtbot, facade) -> None:
    noise = np.random.default_rng(0).integers(0, 256, (4, 4, 3)).astype(np.uint8)
    with qtbot.waitSignal(facade.failed, timeout=TIMEOUT) as failed:
        facade.submit(MatteRequest(noise, name="#7"))
    assert "#7" in failed.args[1] and "bug" not in failed.args[1]


def _hold_pixelate(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """Make pixelate wait: ``entered`` is set when it starts, it goes on once ``release`` is."""
    from studio.imaging import pixelart

    entered, release = threading.Event(), threading.Event()
    real = pixelart.pixelate

    def slow(pixels, options):
        entered.set()
        release.wait(TIMEOUT / 1000)
        return real(pixels, options)

    monkeypatch.setattr("studio.imaging.pixelart.pixelate", slow)
    return entered, release


def test_cancel_of_a_queued_edit_never_starts_it(qtbot, facade, monkeypatch) -> None:
    entered, release = _hold_pixelate(monkeypatch)
    started: list[int] = []
    facade.started.connect(started.append)
    first = facade.submit(_pixelate())
    second = facade.submit(_pixelate())
    assert entered.wait(TIMEOUT / 1000)
    facade.cancel(second)
    with qtbot.waitSignals([facade.finished, facade.cancelled], timeout=TIMEOUT):
        release.set()
    assert started == [first]


def test_a_cancel_while_the_edit_runs_drops_its_result(qtbot, facade, monkeypatch) -> None:
    entered, release = _hold_pixelate(monkeypatch)
    images: list[object] = []
    facade.image_ready.connect(images.append)
    job = facade.submit(_pixelate())
    assert entered.wait(TIMEOUT / 1000)
    with qtbot.waitSignal(facade.cancelled, timeout=TIMEOUT) as cancelled:
        facade.cancel(job)
        release.set()
    assert cancelled.args == [job] and images == []


def test_shutdown_joins_both_lanes(qtbot, engine) -> None:
    facade = EngineFacade(engine)
    assert sorted(live_threads()) == ["studio-edits", "studio-inference"]
    facade.submit(_pixelate())
    assert facade.shutdown()
    assert live_threads() == [] and engine.closed
