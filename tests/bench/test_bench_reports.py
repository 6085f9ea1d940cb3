"""Every ``studio bench`` reports median and min-max, warns on load and spread, names the machine.

Timings come from a scripted clock where a warning must (or must not) appear: real tiny-model
times on a shared machine vary too much to assert on.
"""

from __future__ import annotations

import json
import types
from pathlib import Path

import pytest

from studio.bench import builtin, machine, timing
from studio.bench.cli import main

STATS = {"median", "min", "max", "spread"}


class ScriptedClock:
    """``perf_counter`` whose every start/stop pair spans the next scripted duration."""

    def __init__(self, durations: list[float]) -> None:
        self._durations = iter(durations)
        self._running = False
        self.now = 0.0

    def __call__(self) -> float:
        if self._running:
            self.now += next(self._durations)
        self._running = not self._running
        return self.now


def _quiet_machine(monkeypatch) -> None:
    monkeypatch.setattr(machine.os, "getloadavg", lambda: (0.2, 0.2, 0.2))


def _models_dir(builtin_model_dirs: dict[str, Path]) -> Path:
    return next(iter(builtin_model_dirs.values())).parent


def _builtin_json(models_dir: Path, capsys) -> tuple[dict, str]:
    argv = ["builtin", "--models-dir", str(models_dir), "--size", "32", "--repeats", "2"]
    assert main([*argv, "--json"]) == 0
    captured = capsys.readouterr()
    return json.loads(captured.out), captured.err


def test_builtin_json_has_spread_machine_and_progress(builtin_model_dirs, monkeypatch, capsys):
    import torch

    _quiet_machine(monkeypatch)
    steady = ScriptedClock([0.1] * 12)  # 4 models: one untimed image each, then 2 rounds
    monkeypatch.setattr(builtin, "time", types.SimpleNamespace(perf_counter=steady))
    report, err = _builtin_json(_models_dir(builtin_model_dirs), capsys)

    assert report["warnings"] == []
    assert {row["model"] for row in report["rows"]} == {f"tiny-{f}" for f in builtin_model_dirs}
    assert {"cpu", "cores", "load_average", "torch", "torch_threads"} <= set(report["machine"])
    assert report["machine"]["torch"] == torch.__version__
    assert report["machine"]["torch_threads"] == torch.get_num_threads()
    for row in report["rows"]:
        assert set(row["image_s"]) == STATS and row["repeats"] == 2
        assert row["image_s"]["median"] == pytest.approx(0.1)
    assert "builtin: round 1/2:" in err and "builtin: round 2/2:" in err
    assert "warning" not in err


def _scripted_images(monkeypatch, durations: list[float]) -> None:
    """Every built-in image "takes" the next duration, and no model is loaded or run."""
    script = iter(durations)
    monkeypatch.setattr(
        builtin._TimedModel, "image", lambda self, seed, prompt, fixed=None: next(script)
    )


def test_builtin_warns_when_a_model_varies_by_more_than_a_fifth(
    builtin_model_dirs, monkeypatch, capsys
):
    _quiet_machine(monkeypatch)
    # Round 2 takes three times round 1 for every model: spread (0.3 - 0.1) / 0.2 = 100 %.
    _scripted_images(monkeypatch, [0.1] * 4 + [0.1] * 4 + [0.3] * 4)
    report, err = _builtin_json(_models_dir(builtin_model_dirs), capsys)

    assert len(report["warnings"]) == len(report["rows"]) == 4
    assert all("varied by 100%" in warning for warning in report["warnings"])
    assert err.count("varied by 100%") == 4


def test_builtin_text_output_is_a_table_with_median_and_min_max(
    builtin_model_dirs, monkeypatch, capsys
):
    _quiet_machine(monkeypatch)
    _scripted_images(monkeypatch, [0.1] * 4 + [0.2] * 4 + [0.3] * 4)
    argv = ["builtin", "--models-dir", str(_models_dir(builtin_model_dirs)), "--size", "32"]
    assert main([*argv, "--repeats", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()

    assert lines[0].split()[:5] == ["model", "family", "steps", "load+1st", "(s)"]
    assert "threads" in lines[0] and len(lines) == 6
    assert all("0.2500 s (0.2000-0.3000)" in line for line in lines[1:5])
    assert lines[5].startswith(
        "(32x32 px on cpu, 2 images per model in interleaved rounds; 0 busy-loop processes"
    )


def test_a_loaded_machine_is_warned_about_on_stderr_and_in_the_json(
    builtin_model_dirs, monkeypatch, capsys
):
    monkeypatch.setattr(machine.os, "getloadavg", lambda: (9.0, 8.0, 6.0))
    monkeypatch.setattr(machine.os, "cpu_count", lambda: 2)
    _scripted_images(monkeypatch, [0.1] * 12)
    report, err = _builtin_json(_models_dir(builtin_model_dirs), capsys)

    assert "load average 9.0 on 2 cores" in report["warnings"][0]
    assert "load average 9.0 on 2 cores" in err
    assert report["machine"]["cores"] == 2 and report["machine"]["load_average"] == 9.0


def test_style_reports_each_size_with_spread_and_warns_on_spread(monkeypatch, capsys):
    _quiet_machine(monkeypatch)
    # Runs alternate torch, onnxruntime: torch takes 0.1 then 0.3 s, onnxruntime 0.1 s twice.
    clock = ScriptedClock([0.1, 0.1, 0.3, 0.1])
    monkeypatch.setattr(
        timing, "time", types.SimpleNamespace(perf_counter=clock, sleep=lambda s: None)
    )
    assert main(["style", "--sizes", "64", "--repeats", "2", "--json"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)

    (row,) = report["rows"]
    assert row["ours_s"] == {"median": 0.2, "min": 0.1, "max": 0.3, "spread": 1.0}
    assert row["onnxruntime_s"]["spread"] == 0.0 and row["ratio"] == 2.0
    assert report["warnings"] == row["warnings"] and len(row["warnings"]) == 1
    assert "torch at 64 px varied by 100%" in row["warnings"][0]
    assert "torch at 64 px varied by 100%" in captured.err
    assert "style: 64 px: run 2/2: torch 0.300 s, onnxruntime 0.100 s" in captured.err
    assert report["machine"]["torch_threads"] >= 1


def test_style_text_output_gives_median_and_min_max(monkeypatch, capsys):
    _quiet_machine(monkeypatch)
    clock = ScriptedClock([0.1, 0.2, 0.12, 0.2, 0.11, 0.2])
    monkeypatch.setattr(
        timing, "time", types.SimpleNamespace(perf_counter=clock, sleep=lambda s: None)
    )
    assert main(["style", "--sizes", "64", "--repeats", "3"]) == 0
    out = capsys.readouterr().out
    assert "median (min-max) of 3 interleaved runs" in out
    assert "0.110 s (0.100-0.120)" in out and "0.200 s (0.200-0.200)" in out


def test_generate_json_adds_the_machine_and_text_gives_min_max(monkeypatch, capsys):
    from studio.bench import generate

    _quiet_machine(monkeypatch)
    ours = {"median": 0.2, "min": 0.19, "max": 0.3, "spread": 0.55}
    theirs = {"median": 0.2, "min": 0.2, "max": 0.21, "spread": 0.05}
    row = {
        "model": "tiny-sd1", "device": "cpu", "torch": "2.x", "steps": 1, "size": "64x64",
        "repeats": 3, "ours_s": ours, "diffusers_s": theirs, "ratio": 1.0,
        "cpu_s": {"ours": theirs, "diffusers": ours}, "cpu_ratio": 1.0,
        "first_s": {"ours": 0.5, "diffusers": 0.4}, "compile_s": 0.3, "per_step_s": theirs,
        "warnings": machine.spread_warnings({"the engine's time": ours, "diffusers' time": theirs}),
    }  # fmt: skip
    monkeypatch.setattr(generate, "bench_generate", lambda *args, **kwargs: dict(row))
    assert main(["generate", "--json"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["ours_s"] == ours and report["machine"]["cores"] >= 1
    assert report["warnings"] == row["warnings"] and "engine's time varied by 55%" in captured.err

    assert main(["generate"]) == 0
    out = capsys.readouterr().out
    assert "median (min-max) of 3 interleaved runs" in out
    assert "studio engine  : 0.200 s (0.190-0.300)" in out
    assert "engine compile 0.300 s" in out and "engine per step: 0.200 s (0.200-0.210)" in out
    assert "CPU time, all threads: engine 0.200 s (0.200-0.210), diffusers 0.200 s" in out


def test_an_eager_arch_row_prints_its_warm_up_build_text_encoders_and_memory(monkeypatch, capsys):
    from studio.bench import generate

    _quiet_machine(monkeypatch)
    times = {"median": 50.0, "min": 50.0, "max": 50.0, "spread": 0.0}
    row = {
        "model": "random-sdxl", "device": "cpu", "torch": "2.x", "steps": 2, "size": "64x64",
        "repeats": 1, "ours_s": times, "diffusers_s": times, "ratio": 1.0, "first_s": None,
        "compile_s": None, "warm_up_s": 30.5, "per_step_s": None, "warnings": [],
        "arch": "sdxl", "fast": False, "build_s": 40.2, "text_encoders_s": 19.9,
        "peak_rss_mb": 14300, "load_average": 4.2,
    }  # fmt: skip
    monkeypatch.setattr(generate, "bench_arch", lambda *args, **kwargs: dict(row))
    assert main(["generate", "--arch", "sdxl"]) == 0
    out = capsys.readouterr().out
    assert "warm-up (untimed, eager): one 1-step engine run, 30.500 s" in out
    assert "build 40.2 s, text encoders 19.90 s per image (in both paths)" in out
    assert "peak RSS 14300 MB, load 4.2" in out


def test_generate_passes_the_guidance_scale_to_both_paths(monkeypatch, capsys):
    from studio.bench import generate

    _quiet_machine(monkeypatch)
    seen: dict = {}

    def record(*args, **kwargs):
        seen.update(kwargs)
        raise SystemExit(0)  # the options are what is under test, not a run

    monkeypatch.setattr(generate, "bench_generate", record)
    monkeypatch.setattr(generate, "bench_arch", lambda arch, options, **kwargs: record(**options))
    with pytest.raises(SystemExit):
        main(["generate", "--steps", "4", "--sampler", "Euler trailing", "--cfg", "1"])
    assert seen["cfg_scale"] == 1.0 and seen["steps"] == 4
    seen.clear()
    with pytest.raises(SystemExit):
        main(["generate", "--arch", "sd15"])
    assert seen["cfg_scale"] == 7.0  # the engine's default guidance
