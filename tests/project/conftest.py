"""Project-file fixtures: small real images, and a home folder that is never the user's."""

from __future__ import annotations

import hashlib
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
