"""What the app opens first: a named project, recovered work, or a fresh untitled project."""

from __future__ import annotations

import signal
import subprocess
import sys

import numpy as np
import pytest

from studio.app import open_initial_document
from studio.imaging.png import encode_png
from studio.launcher import wants_gui
from studio.project.recovery import find_recoverable
from studio.project.store import ProjectStore


class Answers:
    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.descriptions: list[str] = []

    def ask_recover(self, description: str) -> str:
        self.descriptions.append(description)
        return self.answer


CRASHING_SESSION = """
import os, signal, sys
import numpy as np
from studio.imaging.png import encode_png
from studio.project.recovery import new_untitled_project
store = new_untitled_project(sys.argv[1])
png = encode_png(np.zeros((8, 8, 3), dtype=np.uint8))
store.add_image_entry("generate", png, png, 8, 8, "lost castle", {})
os.kill(os.getpid(), signal.SIGKILL)
"""


def _crashed_untitled(recovery_dir) -> None:
    """Untitled work left by a Studio killed mid-session (the store never closed)."""
    result = subprocess.run(
        [sys.executable, "-c", CRASHING_SESSION, str(recovery_dir)], check=False
    )
    assert result.returncode == -signal.SIGKILL


def test_named_project_is_opened_or_created(tmp_path, qapp) -> None:
    target = tmp_path / "new.studio"
    document, warning = open_initial_document(target, tmp_path / "recovery", None)
    assert warning == "" and not document.is_untitled and target.exists()
    document.close()
    document, _ = open_initial_document(target, tmp_path / "recovery", None)
    assert document.path == target
    document.close()


def test_a_damaged_project_is_reported_and_left_untouched(tmp_path, qapp) -> None:
    target = tmp_path / "broken.studio"
    target.write_bytes(b"this is not a database" * 100)
    before = target.read_bytes()
    document, warning = open_initial_document(target, tmp_path / "recovery", None)
    assert document.is_untitled
    assert "broken.studio" in warning and "untitled" in warning
    assert target.read_bytes() == before
    document.close()


@pytest.mark.parametrize(("answer", "recovered"), [("recover", True), ("later", False)])
def test_work_left_by_a_crash_is_offered_back(tmp_path, qapp, answer, recovered) -> None:
    recovery = tmp_path / "recovery"
    _crashed_untitled(recovery)
    dialogs = Answers(answer)
    document, _ = open_initial_document(None, recovery, dialogs)
    assert "1 image" in dialogs.descriptions[0] and "lost castle" in dialogs.descriptions[0]
    assert document.is_untitled
    assert [e.prompt for e in document.entries()] == (["lost castle"] if recovered else [])
    document.close()
    assert len(find_recoverable(recovery)) == 1  # kept either way until saved or discarded


def test_discarding_recovered_work_deletes_it(tmp_path, qapp) -> None:
    recovery = tmp_path / "recovery"
    _crashed_untitled(recovery)
    document, _ = open_initial_document(None, recovery, Answers("discard"))
    document.close()
    assert find_recoverable(recovery) == []


@pytest.mark.parametrize(
    ("args", "gui"),
    [
        ([], True),
        (["my.studio"], True),
        (["generate", "x", "-o", "a.png"], False),
        (["--help"], False),
        (["models"], False),
    ],
)
def test_launcher_routes_to_gui_or_cli(args, gui) -> None:
    assert wants_gui(args) is gui


def test_store_opened_twice_is_the_same_project(tmp_path) -> None:
    path = tmp_path / "p.studio"
    png = encode_png(np.zeros((1, 1, 3), dtype=np.uint8))
    with ProjectStore.create(path) as store:
        store.add_image_entry("generate", png, png, 1, 1, "one", {})
    with ProjectStore.open(path) as store:
        assert [e.prompt for e in store.entries()] == ["one"]
