"""SIGKILL the real window at random moments: no committed image lost, no reopening refused.

RELIABILITY 5-7, issue 10 "Deliver 4". ``gui_driver.py`` runs the real MainWindow on the real
engine and worker thread (offscreen, the shipped built-in VAE), generating, styling or saving
without end; it reports each image the project file holds. This test kills it 20 times per
kind at moments drawn from a seeded generator, then reopens what it left exactly as Studio
would: the project must open, or the untitled work must be offered for recovery, and every
reported image must be there, pixel-identical.

Runs are forked from one process that imported torch and Qt once (see ``gui_driver.zygote``),
so a kill costs a model load and a few jobs, not an interpreter start.
"""

from __future__ import annotations

import hashlib
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from studio.imaging.decode import load_pixels
from studio.project.recovery import scan_recovery_dir
from studio.project.store import ProjectStore

KILLS = 20
KILL_WAIT = 300  # s for a killed driver to be reaped (see _line_after_kill)
DRIVER = Path(__file__).with_name("gui_driver.py")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(900),
    pytest.mark.skipif(not hasattr(os, "fork"), reason="the driver forks"),
]


class Zygote:
    """The driver's fork server, with its stdout read on a thread into a queue."""

    def __init__(self, state_dir: Path) -> None:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", STUDIO_STATE_DIR=str(state_dir))
        env["PYTHONPATH"] = str(DRIVER.parents[2])
        self.process = subprocess.Popen(
            [sys.executable, str(DRIVER), "--zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        assert self.next_line(120) == "ZYGOTE READY"

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put("<closed>")

    def next_line(self, timeout: float) -> str:
        return self.lines.get(timeout=timeout)

    def start(self, mode: str, project: Path, recovery: Path) -> int:
        self.process.stdin.write(f"{mode} {project} {recovery}\n")
        self.process.stdin.flush()
        line = self.next_line(60)
        assert line.startswith("PID "), line
        return int(line.split()[1])

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)
        self._reader.join(timeout=10)


@pytest.fixture(scope="module")
def zygote(tmp_path_factory):
    server = Zygote(tmp_path_factory.mktemp("gui-state"))
    yield server
    server.close()


_decoded: dict[str, str] = {}  # sha256 of PNG bytes -> sha256 of its pixels (PNGs never change)


def _hashes(store: ProjectStore) -> list[str]:
    found = []
    for entry in store.entries():
        png = store.image_png(entry.image_id)
        key = hashlib.sha256(png).hexdigest()
        if key not in _decoded:
            _decoded[key] = hashlib.sha256(load_pixels(png).tobytes()).hexdigest()
        found.append(_decoded[key])
    return found


def _one_run(zygote: Zygote, mode: str, project: Path, recovery: Path, delay: float):
    """Start a driver, kill it ``delay`` s after its trigger line; returns what it reported."""
    trigger = {"generate": "COMMITTED", "style": "COMMITTED", "save": "SAVING"}[mode]
    pid = zygote.start(mode, project, recovery)
    committed, seen, deadline = [], set(), None
    while True:
        timeout = 120 if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            line = zygote.next_line(timeout)
        except queue.Empty:
            break  # the deadline passed: kill now
        word, _, rest = line.partition(" ")
        seen.add(word)
        if word == "COMMITTED":
            committed.append(rest)
        elif word in ("FAILED", "<closed>", "EXIT"):
            pytest.fail(f"the driver stopped by itself: {line}")
        if word == trigger and deadline is None:
            deadline = time.monotonic() + delay
    os.kill(pid, signal.SIGKILL)
    while not (line := _line_after_kill(zygote, pid)).startswith("EXIT"):
        word, _, rest = line.partition(" ")
        seen.add(word)
        if word == "COMMITTED":
            committed.append(rest)
    return committed, seen


def _line_after_kill(zygote: Zygote, pid: int) -> str:
    """The zygote's next line once ``pid`` was sent SIGKILL.

    In one CI run, on a machine shared with other work, no line (not even ``EXIT``) came
    within 60 s of a kill; the cause was not found, and a quiet rerun and one at load 7 passed.
    The test is about what the project file holds, not how fast a kill completes, so the wait
    is generous, and a failure says what state the killed process was left in.
    """
    try:
        return zygote.next_line(KILL_WAIT)
    except queue.Empty:
        status = Path(f"/proc/{pid}/status")
        lines = status.read_text().splitlines() if status.exists() else ["State: gone"]
        state = next((line for line in lines if line.startswith("State")), "no State line")
        pytest.fail(f"driver {pid}: no line {KILL_WAIT} s after SIGKILL ({state})")


def _kill_many(zygote, tmp_path, mode: str, delays: tuple[float, float]) -> dict[str, int]:
    rng = random.Random(f"issue-10-{mode}")
    figures = {"kills": 0, "images_lost": 0, "refused": 0, "offered": 0}
    project = tmp_path / "art.studio"
    if mode != "save":
        ProjectStore.create(project).close()
    expected: list[str] = []
    for kill in range(KILLS):
        recovery = tmp_path / f"recovery-{kill}"
        recovery.mkdir()
        target = tmp_path / f"saved-{kill}.studio" if mode == "save" else project
        committed, seen = _one_run(zygote, mode, target, recovery, rng.uniform(*delays))
        figures["kills"] += 1
        if mode == "save":
            expected = committed
            scan = scan_recovery_dir(recovery)
            assert scan.set_aside == []
            places = [c.path for c in scan.candidates]
            figures["offered"] += len(places)
            if target.exists():
                places.append(target)
            assert places, f"kill {kill}: neither the untitled work nor the save is there"
            if "SAVED" in seen:
                assert target in places
        else:
            expected += committed
            places = [project]
        for place in places:
            try:
                store = ProjectStore.open(place)
            except Exception:
                figures["refused"] += 1
                raise
            try:
                stored = _hashes(store)
            finally:
                store.close()
            missing = [h for h in expected if h not in stored]
            figures["images_lost"] += len(missing)
            assert not missing, f"kill {kill}: {len(missing)} committed images missing"
    print(f"\n{mode}: {figures}, {len(expected)} images checked")
    return figures


def test_kills_during_generation(zygote, tmp_path) -> None:
    figures = _kill_many(zygote, tmp_path, "generate", (0.0, 0.6))
    assert figures == {"kills": KILLS, "images_lost": 0, "refused": 0, "offered": 0}


def test_kills_during_style_jobs(zygote, tmp_path) -> None:
    figures = _kill_many(zygote, tmp_path, "style", (0.0, 0.8))
    assert figures["kills"] == KILLS and figures["images_lost"] == figures["refused"] == 0


def test_kills_during_save(zygote, tmp_path) -> None:
    figures = _kill_many(zygote, tmp_path, "save", (0.0, 0.6))
    assert figures["kills"] == KILLS and figures["images_lost"] == figures["refused"] == 0
