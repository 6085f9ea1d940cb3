"""Committing a result under the project's rules: the one path for the window and the CLI."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from studio.domain.requests import GenerationRequest
from studio.domain.results import GeneratedImage
from studio.imaging.palettes import BUILTIN_PALETTES, off_palette_mask
from studio.imaging.result import encode_result
from studio.ops.commit import commit_result
from studio.project.palette_lock import save_palette_lock
from studio.project.store import ProjectStore

PALETTE = BUILTIN_PALETTES["PICO-8"]


def _result(colour: tuple[int, int, int]):
    pixels = np.zeros((16, 16, 4), dtype=np.uint8)
    pixels[..., :3] = colour
    pixels[..., 3] = 255
    request = GenerationRequest(prompt="gem", width=16, height=16, seed=1)
    return encode_result(GeneratedImage(request=request, pixels=pixels))


def _pixels(store: ProjectStore, entry) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(store.image_png(entry.image_id))))


def test_a_locked_project_snaps_the_result_and_says_so(tmp_path) -> None:
    with ProjectStore.create(tmp_path / "p.studio") as store:
        save_palette_lock(store, PALETTE)
        entry = commit_result(store, _result((10, 200, 90)))
        assert off_palette_mask(_pixels(store, entry), PALETTE).sum() == 0
        assert entry.recipe["extra"]["palette_lock"] == PALETTE.name
        assert entry.recipe["extra"]["palette_lock_pixels"] == 256


def test_an_unlocked_project_stores_the_result_as_made(tmp_path) -> None:
    with ProjectStore.create(tmp_path / "p.studio") as store:
        result = _result((10, 200, 90))
        entry = commit_result(store, result)
        assert store.image_png(entry.image_id) == result.png
        assert "palette_lock" not in entry.recipe.get("extra", {})


def test_a_result_already_on_the_palette_is_not_encoded_again(tmp_path) -> None:
    on_palette = tuple(int(c) for c in PALETTE.colours[3])
    with ProjectStore.create(tmp_path / "p.studio") as store:
        save_palette_lock(store, PALETTE)
        result = _result(on_palette)
        entry = commit_result(store, result)
        assert store.image_png(entry.image_id) == result.png
