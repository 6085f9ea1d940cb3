"""A writer killed at each of its database writes: nothing committed is lost, nothing refused.

Issue 10, defect 2: ``check_header`` compared the header's page count with the file size
before SQLite had rolled back the hot journal, so a file that loses nothing was refused as
"damaged" (and untitled work was set aside instead of offered). ``strace``'s fault injection
kills the writer exactly at its Nth ``pwrite64``: a real crash at a chosen write, for every N
until the writer gets through untouched.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from studio.imaging.decode import load_pixels
from studio.project.recovery import new_untitled_project, scan_recovery_dir
from studio.project.store import ProjectStore
from tests.project.conftest import add_image, image_pixels

STRACE = shutil.which("strace")
WRITER = Path(__file__).with_name("project_writer.py")
FIRST_NEW, NEW_IMAGES = 10, 1
pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(600),
    pytest.mark.skipif(STRACE is None or sys.platform != "linux", reason="needs strace"),
]


def _kill_at_write(path: Path, mode: str, nth: int) -> tuple[int, list[int]]:
    command = [
        STRACE, "-f", "-qq", "-o", "/dev/null", "-e", "trace=pwrite64",
        "-e", f"inject=pwrite64:signal=SIGKILL:when={nth}",
        sys.executable, str(WRITER), str(path), mode, str(FIRST_NEW), str(NEW_IMAGES),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    committed = [int(line.split()[1]) for line in done.stdout.splitlines() if "COMMITTED" in line]
    return done.returncode, committed


def _assert_every_committed_image_is_there(store: ProjectStore, seeds: list[int]) -> None:
    stored = {load_pixels(store.image_png(e.image_id)).tobytes() for e in store.entries()}
    for seed in seeds:
        assert image_pixels(seed).tobytes() in stored, f"image {seed} lost"


def _run_every_kill(
    tmp_path: Path, mode: str, make, base: tuple[int, ...] = (0, 1, 2), stride: int = 1
) -> dict[str, int]:
    figures = {"kills": 0, "lost": 0, "refused": 0}
    for nth in range(1, 1000, stride):
        path = make(tmp_path / f"kill-{nth}")
        code, committed = _kill_at_write(path, mode, nth)
        if code == 0:
            break  # the writer got through: every write has been a kill point
        figures["kills"] += 1
        seeds = [*base, *committed]
        if mode == "untitled":
            scan = scan_recovery_dir(path.parent)
            assert scan.set_aside == [], f"kill at write {nth}: {scan.set_aside}"
            assert [c.path for c in scan.candidates] == [path]
        store = ProjectStore.open(path)
        try:
            _assert_every_committed_image_is_there(store, seeds)
            # Every committed image, plus perhaps the one whose commit the kill cut short.
            assert store.image_count() in (len(seeds), len(seeds) + 1)
        finally:
            store.close()
    assert figures["kills"] >= 20, figures
    return figures


def _saved_project(folder: Path) -> Path:
    folder.mkdir()
    store = ProjectStore.create(folder / "art.studio")
    for seed in range(3):
        add_image(store, seed)
    store.close()
    return folder / "art.studio"


def _untitled_project(folder: Path) -> Path:
    folder.mkdir()
    store = new_untitled_project(folder)
    for seed in range(3):
        add_image(store, seed)
    path = store.path
    store.close()  # with images it stays, as after a crash
    return path


def test_a_saved_project_survives_a_kill_at_every_write(tmp_path) -> None:
    figures = _run_every_kill(tmp_path, "saved", _saved_project)
    print(f"saved project: {figures}")


def test_untitled_work_is_offered_after_a_kill_at_every_write(tmp_path) -> None:
    figures = _run_every_kill(tmp_path, "untitled", _untitled_project)
    print(f"untitled work: {figures}")


def _old_format_project(folder: Path) -> Path:
    import sqlite3

    from studio.imaging.png import encode_png
    from tests.project.test_migrations import V0_SCHEMA

    folder.mkdir()
    path = folder / "old.studio"
    connection = sqlite3.connect(path)
    connection.executescript(V0_SCHEMA)
    for image_id, seed in ((3, 3), (7, 7)):
        png = encode_png(image_pixels(seed))
        connection.execute(
            "INSERT INTO images VALUES (?, ?, NULL, 32, 24, 1000.0)", (image_id, png)
        )
        connection.execute(
            "INSERT INTO history VALUES (?, ?, 'generate', 1001.0, ?, '{}')",
            (image_id, image_id, f"prompt {seed}"),
        )
    connection.commit()
    connection.close()
    return path


def test_a_format_upgrade_survives_a_kill_at_every_third_write(tmp_path) -> None:
    # The upgrade (backup, then migration) makes about 85 writes; every third keeps CI short.
    figures = _run_every_kill(tmp_path, "saved", _old_format_project, base=(3, 7), stride=3)
    print(f"format upgrade: {figures}")
