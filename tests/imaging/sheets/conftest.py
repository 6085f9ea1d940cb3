"""Sprites with transparent borders of different sizes, so trimming changes every frame."""

from __future__ import annotations

import numpy as np
import pytest

from studio.domain.sheet_options import SheetOptions
from studio.imaging.sheets import Animation, SheetFrame, pack_sheet


def make_sprites(count: int = 8, size: int = 24, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    sprites = []
    for index in range(count):
        sprite = np.zeros((size, size + index % 3 * 4, 4), dtype=np.uint8)
        top, left = 1 + index % 4, 2 + index % 5
        bottom, right = size - 1 - index % 3, sprite.shape[1] - 1 - index % 2
        sprite[top:bottom, left:right, :3] = rng.integers(0, 256, (bottom - top, right - left, 3))
        sprite[top:bottom, left:right, 3] = 255
        sprites.append(sprite)
    return sprites


def make_frames(count: int = 8, **kwargs) -> list[SheetFrame]:
    return [
        SheetFrame(f"walk {i}", pixels, {"entry_id": 100 + i})
        for i, pixels in enumerate(make_sprites(count, **kwargs))
    ]


WALK = Animation("walk", tuple(f"walk_{i}" for i in range(8)), fps=8.0)
IDLE = Animation("idle", ("walk_0", "walk_1"), fps=4.0, direction="pingpong")


@pytest.fixture
def trimmed_sheet():
    options = SheetOptions(trim=True, padding=2, extrude=1)
    return pack_sheet(make_frames(), [WALK, IDLE], options)
