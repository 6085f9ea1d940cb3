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


def test_both_thread_counts_are_timed_beside_busy_processes(
    builtin_model_dirs: dict[str, Path],
) -> None:
    import torch

    models_dir = next(iter(builtin_model_dirs.values())).parent
    rows = bench_builtin(models_dir, size=32, repeats=1, threads="both", busy=1)
    by_family = {row["family"]: row for row in rows}
    for family in ("ar", "diffusion"):
        row = by_family[family]
        assert row["runtime"] == "torch" and row["busy"] == 1
        assert row["default_threads"] == [torch.get_num_threads()]
        assert row["threads"] and all(count >= 1 for count in row["threads"])
        assert row["image_s"]["median"] > 0 and row["default_image_s"]["median"] > 0
    for family in ("vae", "gan"):
        # The numpy runtime has no torch threads: only the policy's run is timed.
        row = by_family[family]
        assert row["runtime"] == "numpy" and "default_image_s" not in row


def test_busy_processes_spin_during_the_block_and_are_gone_after() -> None:
    import os

    from studio.bench.busy_load import busy_processes

    with busy_processes(2) as pids:
        assert len(pids) == 2
        for pid in pids:
            os.kill(pid, 0)  # alive
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # stopped and reaped


def test_a_negative_load_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bench", "builtin", "--load", "-1", "--models-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "--load -1" in err and "Traceback" not in err
