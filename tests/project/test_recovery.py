"""Untitled work survives a crash and is offered again (RELIABILITY 7)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from studio.domain.errors import ProjectError
from studio.project.paths import default_recovery_dir
from studio.project.recovery import (
    RecoveryCandidate,
    adopt,
    discard,
    find_recoverable,
    new_untitled_project,
    scan_recovery_dir,
)
from studio.project.store import ProjectStore
from tests.project.conftest import add_image

ROOT = Path(__file__).resolve().parents[2]

_CRASHING_STUDIO = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from studio.project.recovery import new_untitled_project
    from tests.project.conftest import add_image

    store = new_untitled_project(Path(sys.argv[1]))
    for seed in range(int(sys.argv[2])):
        add_image(store, seed, f"unsaved sketch {seed}")
    print(store.path, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def _crash_with_untitled_work(folder: Path, images: int) -> Path:
    result = subprocess.run(
        [sys.executable, "-c", _CRASHING_STUDIO, str(folder), str(images)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    return Path(result.stdout.strip())


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "recovery"


def test_untitled_work_is_committed_in_the_recovery_folder(folder: Path) -> None:
    store = new_untitled_project(folder)
    add_image(store, 1)

    assert store.path.parent == folder
    assert store.path.name.startswith("untitled-") and store.path.suffix == ".studio"
    assert Path(f"{store.path}.lock").exists()
    assert find_recoverable(folder) == []  # held by this live process
    store.close()


def test_work_left_by_a_crash_is_found_adopted_and_kept(folder: Path) -> None:
    path = _crash_with_untitled_work(folder, images=2)

    candidates = find_recoverable(folder)

    assert [(c.path, c.image_count, c.last_prompt) for c in candidates] == [
        (path, 2, "unsaved sketch 1")
    ]
    store = adopt(candidates[0])
    assert store.path == path and len(store.entries()) == 2
    lock = json.loads(Path(f"{path}.lock").read_text())
    assert lock["pid"] == os.getpid()
    assert find_recoverable(folder) == []  # now held by this process
    add_image(store, 5)
    store.close()  # closed unsaved: kept, and offered again next time
    assert [c.image_count for c in find_recoverable(folder)] == [3]


def test_discarding_removes_the_work(folder: Path) -> None:
    _crash_with_untitled_work(folder, images=1)

    discard(find_recoverable(folder)[0])

    assert _names(folder) == []


def test_saving_untitled_work_elsewhere_removes_the_untitled_file(folder, tmp_path) -> None:
    store = new_untitled_project(folder)
    add_image(store, 1, "keep me")

    store.save_as(tmp_path / "named.studio")
    add_image(store, 2)
    store.close()

    assert _names(folder) == []
    with ProjectStore.open(tmp_path / "named.studio") as saved:
        assert [e.prompt for e in saved.entries()] == ["prompt 2", "keep me"]


def test_empty_untitled_work_leaves_nothing_behind(folder: Path) -> None:
    new_untitled_project(folder).close()
    _crash_with_untitled_work(folder, images=0)

    assert find_recoverable(folder) == []
    assert _names(folder) == []


def test_damaged_recovery_file_is_set_aside_and_reported(folder: Path) -> None:
    folder.mkdir()
    damaged = folder / "untitled-20250101-000000-1-abc.studio"
    content = os.urandom(5000)
    damaged.write_bytes(content)

    scan = scan_recovery_dir(folder)

    assert scan.candidates == []
    (report,) = scan.set_aside
    assert report.original == damaged and not damaged.exists()
    assert report.moved_to is not None and report.moved_to.read_bytes() == content
    assert report.moved_to.name.startswith(damaged.name + ".damaged-")
    assert "could not be recovered" in report.message and report.moved_to.name in report.message
    assert scan_recovery_dir(folder).set_aside == []  # reported once, kept for good


def _write_lock(project: Path, pid: int, host: str | None = None) -> None:
    owner = {"pid": pid, "host": host or socket.gethostname(), "since": 0}
    Path(f"{project}.lock").write_text(json.dumps(owner))


def _untitled_with_one_image(folder: Path, name: str) -> Path:
    folder.mkdir(exist_ok=True)
    with ProjectStore.create(folder / name) as store:
        add_image(store, 1)
    return folder / name


def test_lock_of_a_dead_process_is_stale(folder: Path) -> None:
    project = _untitled_with_one_image(folder, "untitled-dead.studio")
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    _write_lock(project, int(finished.stdout))

    assert [c.path for c in find_recoverable(folder)] == [project]


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
def test_live_pid_without_the_os_lock_is_a_reused_pid(folder: Path) -> None:
    project = _untitled_with_one_image(folder, "untitled-reused.studio")
    _write_lock(project, os.getpid())  # alive, but it never took the lock

    assert [c.path for c in find_recoverable(folder)] == [project]


def test_work_of_a_studio_on_another_machine_is_left_alone(folder: Path) -> None:
    project = _untitled_with_one_image(folder, "untitled-remote.studio")
    _write_lock(project, 1, host="another-machine.example")

    assert find_recoverable(folder) == []
    with pytest.raises(ProjectError, match="open in another Studio window"):
        adopt(RecoveryCandidate(project, image_count=1, modified_at=0.0, last_prompt=""))


def test_candidate_taken_by_another_window_cannot_be_adopted_or_discarded(folder) -> None:
    path = _crash_with_untitled_work(folder, images=1)
    candidate = find_recoverable(folder)[0]
    first = adopt(candidate)

    with pytest.raises(ProjectError, match="open in another Studio window"):
        adopt(candidate)
    with pytest.raises(ProjectError, match="open in another Studio window"):
        discard(candidate)
    first.close()
    assert path.exists()


def test_default_recovery_folder_follows_studio_data_dir(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "data"))

    store = new_untitled_project()

    assert store.path.parent == tmp_path / "data" / "recovery" == default_recovery_dir()
    store.close()
