"""``studio bench builtin``: one timed row per built-in model, through the real engine path."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.bench.builtin import bench_builtin
from studio.launcher import main


def test_every_builtin_model_gets_a_timed_row(builtin_model_dirs: dict[str, Path]) -> None:
    models_dir = next(iter(builtin_model_dirs.values())).parent
    rows = bench_builtin(models_dir, size=32, repeats=1)
    assert sorted(row["family"] for row in rows) == ["ar", "diffusion", "gan", "vae"]
    for row in rows:
        assert row["device"] == "cpu" and row["size"] == 32
        assert row["steps"] >= 1
        assert row["image_s"]["median"] > 0 and row["load_s"] > 0


# The CLI's JSON rows: tests/bench/test_bench_reports.py.


def test_an_empty_models_folder_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bench", "builtin", "--models-dir", str(tmp_path)]) == 1
    assert "no built-in models found" in capsys.readouterr().err
