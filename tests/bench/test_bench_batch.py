"""``studio bench batch`` prints images per second of each run."""

from __future__ import annotations

import json

from studio.bench.cli import main


def test_local_batch_bench_reports_images_per_second(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "data"))
    assert main(["batch", "--count", "2", "--actors", "", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert [(r["run"], r["images"]) for r in rows] == [("local", 2)]
    assert rows[0]["images_per_s"] > 0


def test_bad_actor_counts_are_one_line(capsys) -> None:
    assert main(["batch", "--actors", "two"]) == 1
    assert "must be numbers like 1,2,4" in capsys.readouterr().err
