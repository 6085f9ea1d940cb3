"""Preset list and gallery thumbnails (rendered once from the shipped sample, then reused)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio.engine.style import list_presets, render_preset_thumbnails, thumbnails
from studio.engine.style.paths import sample_image_path


def test_presets_are_the_26_styles_with_distinct_names() -> None:
    presets = list_presets()
    assert [p.index for p in presets] == list(range(26))
    assert len({p.name for p in presets}) == 26 and all(p.name for p in presets)
    assert presets[7].label == "preset 7 (Cobalt Gold)"


def test_listing_presets_does_not_import_torch() -> None:
    import subprocess

    code = "import sys, studio.engine.style as s; s.list_presets(); print('torch' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_the_shipped_sample_is_small_and_documented() -> None:
    path = sample_image_path()
    assert path.stat().st_size <= 100_000
    assert "CC0" in (path.parent / "README.md").read_text(encoding="utf-8")


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = thumbnails.render_preset

    def counting(index, side, device, cache_dir=None, **options):
        calls.append(index)
        return real(index, side, device, cache_dir, **options)

    monkeypatch.setattr(thumbnails, "render_preset", counting)
    return calls


def test_thumbnails_render_once_and_are_reused(tmp_path: Path, renders: list[int]) -> None:
    paths = render_preset_thumbnails(tmp_path, size=32)
    assert sorted(paths) == list(range(26)) and renders == list(range(26))
    pixels = [np.asarray(Image.open(paths[i])) for i in range(26)]
    assert all(p.shape == (32, 32, 3) for p in pixels)
    assert len({p.tobytes() for p in pixels}) == 26  # 26 different looks
    again = render_preset_thumbnails(tmp_path, size=32)
    assert again == paths and len(renders) == 26  # nothing rendered the second time

    paths[4].write_bytes(b"\x89PNG damaged")
    render_preset_thumbnails(tmp_path, size=32)
    assert renders[26:] == [4]  # only the damaged one again
