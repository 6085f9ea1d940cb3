"""A sprite-sheet or tile-set export is a job on the CPU lane: same ids, signals, endings and
cancel as an edit, and its result is the files it wrote (never a history image)."""

from __future__ import annotations

import threading

import pytest

from studio.domain.export_requests import ExportImage, SheetExportRequest, TilesetRequest
from studio.domain.jobs import JobKind, job_kind
from studio.ops.export_manifest import MANIFEST_NAME
from studio.worker.facade import EngineFacade, lane_of
from studio.worker.thread import live_threads
from tests.fakes import ScriptedEngine
from tests.imaging.sheets.conftest import make_sprites
from tests.write_threads import record_write_threads

pytestmark = pytest.mark.timeout(60)
TIMEOUT = 10_000


@pytest.fixture
def facade(qtbot):
    facade = EngineFacade(ScriptedEngine())
    yield facade
    assert facade.shutdown()
    assert live_threads() == []


def _request(folder, **fields) -> SheetExportRequest:
    frames = tuple(ExportImage(f"f{n}", sprite) for n, sprite in enumerate(make_sprites(2)))
    return SheetExportRequest(folder=folder, frames=frames, formats=("godot4",), **fields)


def _record(facade) -> list[tuple]:
    events: list[tuple] = []
    facade.started.connect(lambda j: events.append(("started", j)))
    facade.image_ready.connect(lambda f: events.append(("image", f)))
    facade.export_finished.connect(lambda f: events.append(("export", f)))
    facade.finished.connect(lambda j: events.append(("finished", j)))
    facade.failed.connect(lambda j, m: events.append(("failed", j, m)))
    facade.cancelled.connect(lambda j: events.append(("cancelled", j)))
    return events


def test_an_export_goes_to_the_cpu_lane_and_is_a_sheet_job(tmp_path) -> None:
    assert lane_of(_request(tmp_path)) == "cpu"
    assert job_kind(_request(tmp_path)) == JobKind.SHEET


def test_an_export_job_writes_off_the_gui_thread_and_reports_its_files(
    qtbot, facade, tmp_path, monkeypatch
) -> None:
    threads = record_write_threads(monkeypatch)
    events = _record(facade)
    with qtbot.waitSignal(facade.finished, timeout=TIMEOUT):
        job_id = facade.submit(_request(tmp_path / "out"))
        assert facade.edits_pending == 1 and not facade.is_busy
    assert threads == ["studio-edits"]
    kinds = [event[0] for event in events]
    assert kinds == ["started", "export", "finished"]  # no history image
    finished = events[1][1]
    assert finished.job_id == job_id
    made = {p.name for p in (tmp_path / "out").iterdir()} - {MANIFEST_NAME}
    assert {p.name for p in finished.written} == made
    assert "sheet.tres" in {p.name for p in finished.written}
    assert facade.edits_pending == 0


def test_a_refused_export_is_one_failure_line_and_writes_nothing(qtbot, facade, tmp_path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "sheet.recipes.json").write_text("an earlier export")
    events = _record(facade)
    with qtbot.waitSignal(facade.failed, timeout=TIMEOUT) as failed:
        facade.submit(_request(folder))
    message = failed.args[1]
    assert "sheet.recipes.json" in message and "\n" not in message
    assert [event[0] for event in events] == ["started", "failed"]
    assert sorted(p.name for p in folder.iterdir()) == ["sheet.recipes.json"]


def test_an_export_cancelled_while_it_packs_writes_nothing(
    qtbot, facade, tmp_path, monkeypatch
) -> None:
    import studio.ops.export as export

    packing, release = threading.Event(), threading.Event()
    real_pack = export.pack_sheet

    def slow_pack(*args, **kwargs):  # holds the job inside its work until the test cancels
        packing.set()
        release.wait(10)
        return real_pack(*args, **kwargs)

    monkeypatch.setattr(export, "pack_sheet", slow_pack)
    events = _record(facade)
    folder = tmp_path / "out"
    with qtbot.waitSignal(facade.cancelled, timeout=TIMEOUT):
        job_id = facade.submit(_request(folder))
        qtbot.waitUntil(packing.is_set, timeout=TIMEOUT)
        facade.cancel(job_id)
        release.set()
    assert [event[0] for event in events] == ["started", "cancelled"]
    assert not folder.exists() or not any(folder.iterdir())


def test_a_tileset_export_cancelled_while_it_encodes_writes_nothing(
    qtbot, facade, tmp_path, monkeypatch
) -> None:
    import studio.ops.export as export

    encoding, release = threading.Event(), threading.Event()
    real_files = export.tileset_files

    def slow_files(*args, **kwargs):  # holds the started job in its work until the test cancels
        encoding.set()
        release.wait(10)
        return real_files(*args, **kwargs)

    monkeypatch.setattr(export, "tileset_files", slow_files)
    events = _record(facade)
    folder = tmp_path / "tiles"
    tiles = tuple(ExportImage(f"t{i}", make_sprites(1)[0]) for i in range(3))
    with qtbot.waitSignal(facade.cancelled, timeout=TIMEOUT):
        job_id = facade.submit(TilesetRequest(folder, tiles))
        qtbot.waitUntil(encoding.is_set, timeout=TIMEOUT)
        facade.cancel(job_id)
        release.set()
    assert [event[0] for event in events] == ["started", "cancelled"]
    assert not folder.exists() or not any(folder.iterdir())
