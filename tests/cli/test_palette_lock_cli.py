"""A project's locked palette holds for images the command line adds, as it does in the window."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from studio.cli import main
from studio.imaging.palettes import BUILTIN_PALETTES, off_palette_mask
from studio.project.palette_lock import save_palette_lock
from studio.project.store import ProjectStore

PALETTE = BUILTIN_PALETTES["Game Boy"]


def _locked_project(path) -> None:
    store = ProjectStore.create(path)
    save_palette_lock(store, PALETTE)
    store.close()


def _assert_all_on_palette(path, count: int) -> None:
    with ProjectStore.open(path) as store:
        entries = store.entries()
        assert len(entries) == count
        for entry in entries:
            pixels = np.asarray(Image.open(io.BytesIO(store.image_png(entry.image_id))))
            assert off_palette_mask(pixels, PALETTE).sum() == 0
            assert entry.recipe["extra"]["palette_lock"] == PALETTE.name


def test_generate_into_a_locked_project_snaps_to_its_palette(tmp_path) -> None:
    project = tmp_path / "locked.studio"
    _locked_project(project)
    args = ["generate", "a slime", "--seed", "1", "-o", str(tmp_path / "slime.png")]
    assert main([*args, "--project", str(project)]) == 0
    _assert_all_on_palette(project, 1)
    # The -o file is the command's own output, not the project's: it keeps the model's colours.
    free = np.asarray(Image.open(tmp_path / "slime.png"))
    assert off_palette_mask(free, PALETTE).sum() > 0


def test_batch_into_a_locked_project_snaps_to_its_palette(tmp_path) -> None:
    project = tmp_path / "locked.studio"
    _locked_project(project)
    assert main(["batch", "{red|blue} orb", "--seed", "1", "-o", str(project)]) == 0
    _assert_all_on_palette(project, 2)
