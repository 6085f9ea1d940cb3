"""``studio bench startup`` and the hygiene every benchmark shares."""

from __future__ import annotations

import json

import pytest

from studio.bench import machine
from studio.bench.cli import main


def test_summary_reports_median_and_spread():
    stats = machine.summary([1.0, 1.2, 0.9])
    assert stats == {"median": 1.0, "min": 0.9, "max": 1.2, "spread": pytest.approx(0.3)}
    assert "varied by 30%" in machine.spread_warning("wall time", stats)
    assert machine.spread_warning("wall time", machine.summary([1.0, 1.05, 1.1])) is None


def test_a_loaded_machine_is_warned_about(monkeypatch):
    monkeypatch.setattr(machine.os, "getloadavg", lambda: (9.0, 7.0, 4.0))
    monkeypatch.setattr(machine.os, "cpu_count", lambda: 2)
    assert "load average 9.0 on 2 cores" in machine.load_warning()
    monkeypatch.setattr(machine.os, "getloadavg", lambda: (0.5, 0.5, 0.5))
    assert machine.load_warning() is None


def test_machine_info_names_cpu_cores_and_torch():
    import torch

    info = machine.machine_info()
    assert info["cores"] >= 1 and info["cpu"]
    assert info["torch"] == torch.__version__ and info["torch_threads"] >= 1


@pytest.mark.slow
def test_startup_bench_times_a_real_cold_first_image(capsys):
    assert main(["startup", "--repeats", "1", "--json"]) == 0
    captured = capsys.readouterr()
    row = json.loads(captured.out)
    assert row["wall_s"]["median"] > 0 and row["peak_rss_mb"]["median"] > 50
    assert row["phases"][0][0] == "import studio"
    assert row["phases"][-1] == ["torch imported", False]  # the default runs on numpy
    assert row["phases"][-2][0] == "encode + write PNG"
    gui = row["gui"]
    assert gui["first_image_s"]["median"] >= gui["window_shown_s"]["median"] > 0
    assert gui["max_stall_ms"]["max"] >= 0
    assert row["machine"]["cores"] >= 1
    assert "cold run 1/1" in captured.err  # progress goes to stderr, results to stdout
