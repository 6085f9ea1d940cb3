"""``studio bench startup``: the first image of a cold process, as a new user meets it.

Each run is a fresh ``python -m studio generate`` on the built-in default model: the wall time
until the PNG is written and the process's peak resident memory (from ``wait4``'s rusage, so
one child's peak, not the maximum over all children). A separate child then times the phases
(imports, model load, prompt, sampling, write) so a regression shows where it lives.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from studio.bench.machine import progress, summary

PROMPT = "a red dragon"

_PHASES = r"""
import sys, time, json
t0 = time.perf_counter(); marks = []
def mark(name): marks.append((name, time.perf_counter() - t0))
import threading, pathlib
from studio.engine.service import EngineService
from studio.project.settings import load_engine_settings
from studio.domain.requests import GenerationRequest
from studio.imaging.recipe_chunks import encode_result_png
from studio.ops.output import write_output
mark("import studio")
settings, _ = load_engine_settings()
engine = EngineService(settings)
info = engine.resolve_model("")
mark("find the model")
request = GenerationRequest(prompt=sys.argv[2], model=info.id, width=info.default_size[0],
                            height=info.default_size[1], seed=1).resolved()
def on_progress(update):
    if update.message == "Reading the prompt":
        mark("load the model")
for image in engine.run(request, on_progress, threading.Event()):
    mark("prompt + sample")
    write_output(pathlib.Path(sys.argv[1]), encode_result_png(image))
    mark("encode + write PNG")
engine.close()
print(json.dumps(marks + [("torch imported", "torch" in sys.modules)]))
"""


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    return env


def one_cold_run(folder: Path, index: int) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one ``studio generate`` in a new process."""
    out = folder / f"first-{index}.png"
    command = [sys.executable, "-m", "studio", "generate", PROMPT, "--seed", "1", "-o", str(out)]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=_child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode != 0 or not out.is_file():
        raise RuntimeError(f"studio generate failed ({process.returncode}): {error[-500:]}")
    return wall, usage.ru_maxrss / 1024  # Linux reports kilobytes


def phases(folder: Path) -> list[tuple[str, float]]:
    """Seconds from process start at the end of each phase of one cold first image."""
    import json

    result = subprocess.run(
        [sys.executable, "-c", _PHASES, str(folder / "phases.png"), PROMPT],
        env=_child_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return [tuple(mark) for mark in json.loads(result.stdout.strip().splitlines()[-1])]


def one_cold_window(folder: Path, index: int) -> dict[str, Any]:
    """One ``studio`` window started cold: seconds to the window and to the first sprite."""
    import json

    run_folder = folder / f"gui-{index}"
    run_folder.mkdir()
    env = _child_env()
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "studio.bench.startup_gui", repr(time.time()), str(run_folder)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        raise RuntimeError(
            f"the window did not start ({result.returncode}): {result.stderr[-500:]}"
        )
    row = json.loads(lines[-1])
    if not row.get("done"):
        raise RuntimeError(f"the first sprite never arrived: {row}")
    return row


def bench_startup(repeats: int = 5, gui: bool = True) -> dict[str, Any]:
    """Median and spread of ``repeats`` cold first images (CLI and window), and the phases.

    CLI and GUI runs alternate, so a change in the machine's load touches both alike.
    """
    walls: list[float] = []
    peaks: list[float] = []
    windows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="studio-bench-startup-") as name:
        folder = Path(name)
        for index in range(repeats):
            wall, peak = one_cold_run(folder, index)
            progress(f"  CLI cold run {index + 1}/{repeats}: {wall:.2f} s, {peak:.0f} MB")
            walls.append(wall)
            peaks.append(peak)
            if gui:
                row = one_cold_window(folder, index)
                marks = row["marks"]
                progress(
                    f"  window cold run {index + 1}/{repeats}: shown {marks['window shown']:.2f} s,"
                    f" first sprite {marks['first image']:.2f} s,"
                    f" longest stall {row['max_gap_ms']:.0f} ms"
                )
                windows.append(row)
        progress("  phase breakdown ...")
        breakdown = phases(folder)
    result: dict[str, Any] = {
        "prompt": PROMPT,
        "repeats": repeats,
        "wall_s": summary(walls),
        "peak_rss_mb": summary(peaks),
        "runs_s": walls,
        "runs_mb": peaks,
        "phases": breakdown,
    }
    if windows:
        result["gui"] = {
            "window_shown_s": summary([float(w["marks"]["window shown"]) for w in windows]),
            "first_image_s": summary([float(w["marks"]["first image"]) for w in windows]),
            "max_stall_ms": summary([float(w["max_gap_ms"]) for w in windows]),
            "runs": windows,
        }
    return result
