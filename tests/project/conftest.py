"""Project-file fixtures: small real images, and a home folder that is never the user's."""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from studio.imaging.png import encode_png
from studio.imaging.thumbnails import make_thumbnail
from studio.project.store import ProjectStore


@pytest.fixture(autouse=True)
def _private_user_folders(tmp_path_factory, monkeypatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("STUDIO_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(home / "config"))


def image_pixels(seed: int, height: int = 24, width: int = 32) -> np.ndarray:
    """Random RGBA pixels: PNG cannot compress them, so a lossy step would show."""
    return np.random.default_rng(seed).integers(0, 256, (height, width, 4), dtype=np.uint8)


def add_image(store: ProjectStore, seed: int, prompt: str = "", kind: str = "generate"):
    """Add the image made from ``seed`` with its prompt and a small recipe."""
    pixels = image_pixels(seed)
    return store.add_image_entry(
        kind,
        encode_png(pixels),
        make_thumbnail(pixels),
        pixels.shape[1],
        pixels.shape[0],
        prompt or f"prompt {seed}",
        {"seed": seed, "request": {"prompt": prompt or f"prompt {seed}"}},
    )


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "art.studio"


@pytest.fixture
def store(project_path: Path) -> Iterator[ProjectStore]:
    opened = ProjectStore.create(project_path)
    yield opened
    opened.close()


@pytest.fixture
def make_unwritable() -> Iterator:
    """``make_unwritable(path)``: a condition under which nobody, root included, can write.

    For a normal user the file's write bits are cleared. Root ignores those, so for root the
    file is made immutable (``chattr +i``, which root must undo before writing), or, where the
    file system has no such flag, its folder is bind-mounted read-only over itself. The test is
    skipped with the reason when none of these can be set up here. Undone after the test.
    """
    undo: list[list[str]] = []

    def lock(path: Path) -> str:
        if os.name != "posix":
            pytest.skip("needs POSIX permissions")
        if os.geteuid() != 0:
            path.chmod(0o444)
            return "read-only permission bits"
        if _run(["chattr", "+i", str(path)]):
            undo.append(["chattr", "-i", str(path)])
            return "immutable file (chattr +i)"
        folder = str(path.parent)
        if _run(["mount", "--bind", folder, folder]):
            undo.append(["umount", folder])
            if _run(["mount", "-o", "remount,bind,ro", folder]):
                return "read-only bind mount"
        pytest.skip("running as root, and neither chattr +i nor a read-only bind mount works")

    yield lock
    for command in reversed(undo):
        assert _run(command), f"could not undo {command}"


def _run(command: list[str]) -> bool:
    try:
        return subprocess.run(command, capture_output=True, check=False).returncode == 0
    except OSError:  # the tool is not installed
        return False
