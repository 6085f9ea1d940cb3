"""Save As is atomic: faults part-way leave the previous file intact (RELIABILITY 6)."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from studio.domain.errors import ProjectError
from studio.imaging import atomic
from studio.project import saving
from studio.project.store import ProjectStore
from tests.project.conftest import add_image, file_hash

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    """An existing project at the Save As target, holding one entry of its own."""
    path = tmp_path / "shared.studio"
    with ProjectStore.create(path) as other:
        add_image(other, 100, "the previous file")
    return path


def _assert_intact(path: Path, expected_hash: str) -> None:
    assert file_hash(path) == expected_hash
    with ProjectStore.open(path) as reopened:
        assert [e.prompt for e in reopened.entries()] == ["the previous file"]
    leftovers = [p.name for p in path.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_save_as_copies_everything_and_continues_on_the_copy(store, project_path, tmp_path):
    entries = [add_image(store, seed) for seed in range(3)]
    store.set_state("canvas", {"zoom": 2})
    target = tmp_path / "copy.studio"

    store.save_as(target)
    later = add_image(store, 9, "after saving")

    assert store.path == target
    with ProjectStore.open(project_path) as original:
        assert original.entries() == list(reversed(entries))  # untouched by later work
    store.close()
    with ProjectStore.open(target) as copy:
        assert copy.entries() == [later, *reversed(entries)]
        assert copy.get_state("canvas") == {"zoom": 2}
        assert copy.image_png(entries[0].image_id) == _png_of(project_path, entries[0].image_id)


def _png_of(path: Path, image_id: int) -> bytes:
    with ProjectStore.open(path) as other:
        return other.image_png(image_id)


def test_save_as_reports_progress_and_replaces_an_existing_file(store, previous, monkeypatch):
    monkeypatch.setattr(saving, "PAGES_PER_STEP", 1)
    for seed in range(3):
        add_image(store, seed)
    calls: list[tuple[int, int]] = []

    store.save_as(previous, progress=lambda done, total: calls.append((done, total)))

    assert len(calls) > 3 and calls[-1][0] == calls[-1][1]
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    with ProjectStore.open(previous) as replaced:
        assert len(replaced.entries()) == 3


def test_exception_mid_copy_leaves_previous_file_intact(store, project_path, previous, monkeypatch):
    monkeypatch.setattr(saving, "PAGES_PER_STEP", 1)
    for seed in range(3):
        add_image(store, seed)
    before = file_hash(previous)
    calls = []

    def cancel_half_way(done: int, total: int) -> None:
        calls.append(done)
        if done * 2 >= total:
            raise RuntimeError("cancelled by the user")

    with pytest.raises(RuntimeError, match="cancelled"):
        store.save_as(previous, progress=cancel_half_way)

    assert len(calls) > 1  # the copy really was part-way
    _assert_intact(previous, before)
    assert store.path == project_path and len(store.entries()) == 3
    add_image(store, 7)  # the store still works on its own file


@pytest.mark.parametrize("step", ["replace", "fsync"])
def test_disk_full_while_saving_leaves_previous_file_intact(store, previous, monkeypatch, step):
    add_image(store, 1)
    before = file_hash(previous)

    def disk_full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if step == "replace":
        monkeypatch.setattr(atomic.os, "replace", disk_full)
    else:
        monkeypatch.setattr(atomic, "fsync_file", disk_full)

    with pytest.raises(ProjectError, match="the disk is full"):
        store.save_as(previous)

    monkeypatch.undo()
    _assert_intact(previous, before)
    assert len(store.entries()) == 1


def test_saving_to_its_own_path_is_a_no_op(store, project_path) -> None:
    add_image(store, 1)
    before = file_hash(project_path)

    store.save_as(project_path)

    assert file_hash(project_path) == before and store.path == project_path


def test_saving_into_a_missing_folder_says_so(store, tmp_path) -> None:
    with pytest.raises(ProjectError, match="Could not save"):
        store.save_as(tmp_path / "missing" / "x.studio")
    assert len(store.entries()) == 0


_FILE_SIZE_LIMIT_SCRIPT = textwrap.dedent(
    """
    import json, resource, signal, sys
    from studio.domain.errors import ProjectError
    from studio.project.store import ProjectStore

    source, target, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    # Writes past the limit now fail with EFBIG, like a disk that fills up part-way.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    store = ProjectStore.open(source)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    try:
        store.save_as(target)
    except ProjectError as exc:
        print(json.dumps({"error": str(exc), "path": str(store.path)}))
    else:
        print(json.dumps({"error": None}))
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_real_write_failure_part_way_leaves_previous_file_intact(store, project_path, previous):
    for seed in range(8):
        add_image(store, seed)
    store.close()
    before = file_hash(previous)
    limit = project_path.stat().st_size // 2

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            _FILE_SIZE_LIMIT_SCRIPT,
            str(project_path),
            str(previous),
            str(limit),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )

    outcome = json.loads(result.stdout)
    assert outcome["error"] and outcome["error"].startswith("Could not save shared.studio")
    assert outcome["path"] == str(project_path)
    _assert_intact(previous, before)
