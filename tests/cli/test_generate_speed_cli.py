"""``studio generate --step-cache N`` and ``--fast``: the speed options of an SD generation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.cli import main
from studio.imaging.decode import load_pixels
from studio.imaging.png import png_text_chunks
from studio.imaging.recipe import read_recipe

pytestmark = pytest.mark.usefixtures("one_thread")


def _generate(model: str, out: Path, *extra: str) -> int:
    args = ["generate", "a red fox", "--model", model, "--steps", "4", "--seed", "3"]
    return main([*args, "--size", "64x64", *extra, "-o", str(out)])


def test_step_cache_is_used_and_recorded_in_both_recipes(tiny_sd_dir, tmp_path) -> None:
    full, cached = tmp_path / "full.png", tmp_path / "cached.png"
    assert _generate(str(tiny_sd_dir), full) == 0
    assert _generate(str(tiny_sd_dir), cached, "--step-cache", "2") == 0

    # Steps 2 and 4 reuse the deep features: a different image from the same seed.
    assert not np.array_equal(load_pixels(full, mode="RGB"), load_pixels(cached, mode="RGB"))
    assert read_recipe(cached).request.step_cache == 2
    assert "Step cache: 2" in png_text_chunks(cached)["parameters"]
    assert "Step cache" not in png_text_chunks(full)["parameters"]


def test_an_a1111_line_with_a_step_cache_replays_it(tiny_sd_dir, tmp_path) -> None:
    from studio.imaging.png import encode_png

    out = tmp_path / "cached.png"
    assert _generate(str(tiny_sd_dir), out, "--step-cache", "3") == 0
    # The same image as A1111 would save it: its parameters line and nothing of Studio's.
    a1111 = tmp_path / "a1111.png"
    parameters = png_text_chunks(out)["parameters"]
    a1111.write_bytes(encode_png(load_pixels(out), {"parameters": parameters}))
    recipe = read_recipe(a1111)
    assert recipe.source == "a1111" and recipe.request.step_cache == 3


@pytest.mark.parametrize(
    ("model", "value", "fragment"),
    [
        ("", "2", "--step-cache applies to Stable Diffusion models"),  # the built-in default
        ("sd", "11", "Step cache 11 is out of range: use 0 (off) to 10."),
    ],
)
def test_a_step_cache_that_cannot_apply_is_one_line(
    tiny_sd_dir, tmp_path, capsys, model, value, fragment
) -> None:
    model_arg = str(tiny_sd_dir) if model == "sd" else ""
    assert _generate(model_arg, tmp_path / "x.png", "--step-cache", value) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and fragment in err[0]
    assert not (tmp_path / "x.png").exists()


@pytest.mark.slow
def test_fast_generates_on_the_compiled_path_within_tolerance(
    tiny_sd_dir, tmp_path, monkeypatch
) -> None:
    import torch._inductor.config as inductor_config

    from studio.engine.sd.fast_path import INDUCTOR_CACHE_ENV

    # Compile in this thread: inductor's pool of compile workers would outlive the test.
    monkeypatch.setattr(inductor_config, "compile_threads", 1)
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(INDUCTOR_CACHE_ENV, raising=False)
    eager, fast = tmp_path / "eager.png", tmp_path / "fast.png"
    assert _generate(str(tiny_sd_dir), eager) == 0
    assert _generate(str(tiny_sd_dir), fast, "--fast") == 0

    # Compiled graphs went to Studio's cache: proof the fast path ran, not the eager one.
    assert any((tmp_path / "cache" / "inductor").rglob("*.py"))
    difference = np.abs(
        load_pixels(eager, mode="RGB").astype(int) - load_pixels(fast, mode="RGB").astype(int)
    )
    assert difference.max() <= 2  # inductor reorders float sums; tests/engine/test_fast_path.py
