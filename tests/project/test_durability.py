"""Work survives the process being killed (RELIABILITY 5).

The writer runs in a subprocess that SIGKILLs itself, so nothing gets a chance to flush or
close: whatever is on disk afterwards is what a crash would leave.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from studio.imaging.decode import load_pixels
from studio.project.store import ProjectStore
from tests.project.conftest import image_pixels

ROOT = Path(__file__).resolve().parents[2]
# SQLite writes this magic only once a journal must be played back after a crash.
_JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

_WRITER = textwrap.dedent(
    """
    import os, signal, sys
    from studio.imaging.png import encode_png
    from studio.imaging.thumbnails import make_thumbnail
    from studio.project.store import ProjectStore
    from tests.project.conftest import image_pixels

    path, kill_inside_sixth = sys.argv[1], sys.argv[2] == "yes"
    store = ProjectStore.create(path)
    for seed in range(6 if kill_inside_sixth else 5):
        pixels = image_pixels(seed)
        if seed == 5:
            # A large sixth image and a tiny page cache: SQLite must spill the image into the
            # file before the transaction ends, making the journal "hot". Then die just before
            # the history row is written.
            pixels = image_pixels(seed, 256, 256)
            store._connection.execute("PRAGMA cache_size = 8")
            def die(statement):
                if statement.startswith("INSERT INTO history"):
                    os.kill(os.getpid(), signal.SIGKILL)
            store._connection.set_trace_callback(die)
        store.add_image_entry(
            "generate", encode_png(pixels), make_thumbnail(pixels), pixels.shape[1],
            pixels.shape[0], f"prompt {seed} 🐱", {"seed": seed},
        )
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def _run_writer(path: Path, *, kill_inside_sixth: bool) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _WRITER, str(path), "yes" if kill_inside_sixth else "no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr


def _assert_five_images(path: Path) -> None:
    with ProjectStore.open(path) as reopened:
        entries = reopened.entries()
        assert [e.prompt for e in entries] == [f"prompt {seed} 🐱" for seed in (4, 3, 2, 1, 0)]
        assert reopened.image_count() == 5
        for entry in entries:
            pixels = load_pixels(reopened.image_png(entry.image_id))
            assert np.array_equal(pixels, image_pixels(entry.recipe["seed"]))


def test_five_images_survive_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "crash.studio"

    _run_writer(path, kill_inside_sixth=False)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["crash.studio"]  # one self-contained file
    _assert_five_images(path)


def test_sigkill_inside_a_transaction_rolls_back_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "crash.studio"
    journal = tmp_path / "crash.studio-journal"

    _run_writer(path, kill_inside_sixth=True)

    assert journal.read_bytes()[:8] == _JOURNAL_MAGIC  # a hot journal: the file was mid-write
    _assert_five_images(path)  # the half-written sixth image was rolled back
    assert not journal.exists()
