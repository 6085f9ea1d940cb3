"""The inference worker seen from the GUI thread: queue, progress, cancel, failure, shutdown."""

from __future__ import annotations

import numpy as np
import pytest

from studio.diagnostics.error_log import install_error_log
from studio.domain.requests import GenerationRequest
from studio.domain.results import ProgressUpdate
from studio.imaging.recipe import read_recipe
from studio.worker.facade import EngineFacade
from studio.worker.jobs import ProgressThrottle
from studio.worker.thread import live_threads
from tests.fakes import ScriptedEngine, pixels_for

TIMEOUT = 10_000


@pytest.fixture
def engine() -> ScriptedEngine:
    return ScriptedEngine()


@pytest.fixture
def facade(qtbot, engine):
    facade = EngineFacade(engine)
    yield facade
    assert facade.shutdown()


def _request(prompt: str = "a red dragon", **kwargs) -> GenerationRequest:
    kwargs.setdefault("steps", 4)
    kwargs.setdefault("width", 16)
    kwargs.setdefault("height", 16)
    return GenerationRequest(prompt, **kwargs)


def test_a_job_reports_progress_then_its_image_then_finishes(qtbot, facade) -> None:
    events: list[tuple] = []
    facade.started.connect(lambda j: events.append(("started", j)))
    facade.progress.connect(lambda j, u: events.append(("progress", u.step, u.total)))
    facade.image_ready.connect(lambda f: events.append(("image", f.job_id)))

    with qtbot.waitSignal(facade.finished, timeout=TIMEOUT) as finished:
        job_id = facade.submit(_request(seed=7))
    assert finished.args == [job_id]
    kinds = [e[0] for e in events]
    assert kinds[0] == "started" and kinds[-1] == "image"
    steps = [e[1] for e in events if e[0] == "progress"]
    assert steps == sorted(steps) and steps[-1] == 4
    assert not facade.is_busy


def test_finished_images_carry_lossless_png_with_recipe(qtbot, facade) -> None:
    images = []
    facade.image_ready.connect(images.append)
    with qtbot.waitSignal(facade.finished, timeout=TIMEOUT):
        facade.submit(_request(seed=11, batch_count=2))
    assert [f.image.request.seed for f in images] == [11, 12]
    recipe = read_recipe(images[1].png)
    assert recipe.request is not None and recipe.request.seed == 12
    assert images[1].thumbnail.startswith(b"\x89PNG")
    np.testing.assert_array_equal(images[1].image.pixels, pixels_for(12, 16, 16))


def test_cancel_mid_run_emits_cancelled_and_no_image_then_next_job_runs(
    qtbot, facade, engine
) -> None:
    engine.pause_at = 2
    images = []
    facade.image_ready.connect(images.append)
    job = facade.submit(_request())
    qtbot.waitUntil(engine.paused.is_set, timeout=TIMEOUT)
    with qtbot.waitSignal(facade.cancelled, timeout=TIMEOUT) as cancelled:
        facade.cancel(job)
        engine.resume.set()
    assert cancelled.args == [job]
    assert images == []

    engine.pause_at = None
    with qtbot.waitSignal(facade.finished, timeout=TIMEOUT):
        facade.submit(_request())
    assert len(images) == 1


def test_cancel_of_a_queued_job_never_starts_it(qtbot, facade, engine) -> None:
    engine.pause_at = 1
    started = []
    facade.started.connect(started.append)
    first = facade.submit(_request())
    second = facade.submit(_request("second"))
    qtbot.waitUntil(engine.paused.is_set, timeout=TIMEOUT)
    facade.cancel(second)
    with qtbot.waitSignals([facade.finished, facade.cancelled], timeout=TIMEOUT):
        engine.resume.set()
    assert started == [first]


@pytest.mark.parametrize(
    ("prompt", "fragment"),
    [
        ("FAIL", "damaged or incomplete"),
        ("CRASH", "because of a bug in Studio (ZeroDivisionError)"),
    ],
)
def test_a_failing_job_reports_a_message_and_the_next_job_works(
    qtbot, facade, prompt, fragment, _private_log_folder
) -> None:
    log_path = install_error_log()
    with qtbot.waitSignal(facade.failed, timeout=TIMEOUT) as failed:
        facade.submit(_request(prompt))
    message = failed.args[1]
    assert fragment in message
    assert "Traceback" not in message and "\n" not in message
    if prompt == "CRASH":  # a bug: the message names the log, the log holds the traceback
        assert str(log_path) in message
        assert log_path.parent == _private_log_folder
        assert "ZeroDivisionError: division by zero" in log_path.read_text(encoding="utf-8")
    with qtbot.waitSignal(facade.finished, timeout=TIMEOUT):
        facade.submit(_request("a good one"))


def test_busy_changes_once_per_burst(qtbot, facade) -> None:
    states = []
    facade.busy_changed.connect(states.append)
    with qtbot.waitSignal(facade.busy_changed, timeout=TIMEOUT, check_params_cb=lambda b: not b):
        facade.submit(_request())
        facade.submit(_request())
    assert states == [True, False]


def test_models_are_listed_and_added_on_the_worker(qtbot, facade, engine) -> None:
    with qtbot.waitSignal(facade.models_changed, timeout=TIMEOUT) as listed:
        facade.refresh_models()
    assert [m.id for m in listed.args[0]] == ["fake-sd"]
    with qtbot.waitSignal(facade.model_added, timeout=TIMEOUT) as added:
        facade.add_model_path("/models/mine.safetensors")
    assert added.args[0].location == "/models/mine.safetensors"
    with qtbot.waitSignal(facade.model_add_failed, timeout=TIMEOUT) as refused:
        facade.add_model_path("/models/notes.txt")
    assert "not a model" in refused.args[1]


def test_an_unexpected_error_of_a_call_is_a_message_and_the_worker_answers_the_next(
    qtbot, facade, engine
) -> None:
    def broken() -> list:
        raise ZeroDivisionError("division by zero")

    engine.style_presets = broken
    with qtbot.waitSignal(facade.style_presets_failed, timeout=TIMEOUT) as failed:
        facade.load_style_presets()
    message = failed.args[0]
    assert message.startswith("Loading the preset styles failed because of a bug in Studio")
    assert "ZeroDivisionError" in message and "Traceback" not in message
    answers: list[object] = []
    with qtbot.waitSignal(facade.models_changed, timeout=TIMEOUT):
        facade.call("list_models", (), "unused", answers.append, answers.append)
        facade.refresh_models()
    assert [m.id for m in answers[0]] == ["fake-sd"]


def test_shutdown_mid_job_cancels_joins_and_closes_the_engine(qtbot, engine) -> None:
    engine.pause_at = 2
    facade = EngineFacade(engine)
    facade.submit(_request())
    qtbot.waitUntil(engine.paused.is_set, timeout=TIMEOUT)
    engine.resume.set()
    assert facade.shutdown()
    assert engine.closed
    assert live_threads() == []


def test_throttle_passes_first_last_and_phase_changes_only() -> None:
    now = [0.0]
    throttle = ProgressThrottle(interval_s=0.1, clock=lambda: now[0])
    admitted = []
    for step in range(1, 101):
        now[0] += 0.001
        if throttle.admit(ProgressUpdate(step, 100)):
            admitted.append(step)
    assert admitted == [1, 100]
    assert throttle.admit(ProgressUpdate(0, 100, message="Loading model"))


def test_warm_up_runs_on_the_worker_and_reports_ready(qtbot, facade, engine) -> None:
    with qtbot.waitSignal(facade.engine_ready, timeout=TIMEOUT):
        facade.warm_up()
    assert engine.warmed_up
