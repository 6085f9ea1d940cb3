"""The one error boundary: every command ends in success, one line, or a bug message + log.

RELIABILITY 21, issue 10 "Deliver 2" and defect 11. Each CLI command runs with a fault
injected at its riskiest call: an unexpected exception must give exit code 70, exactly one
line on stderr that names the log file, and the traceback in that file (in the temp state
folder); an anticipated failure must give its one line and exit 1. Closed pipes and terminals
that cannot encode a file name end quietly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from studio.bench.cli import main as bench_main
from studio.cli import main
from studio.domain.errors import ModelLoadError
from studio.imaging.png import encode_png

pytestmark = pytest.mark.timeout(120)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def image(tmp_path) -> Path:
    path = tmp_path / "in.png"
    path.write_bytes(encode_png(np.zeros((16, 16, 3), dtype=np.uint8), {"parameters": "a fox"}))
    return path


def _commands(tmp_path: Path, image: Path) -> dict[str, tuple[str, str, list[str]]]:
    """command -> (module, attribute) of its riskiest call, and its arguments."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return {
        "generate": ("studio.engine.service.EngineService", "run",
                     ["generate", "a fox", "--model", "builtin-vae", "-o", str(out / "g.png")]),
        "style": ("studio.engine.style", "run_style_job",
                  ["style", str(image), "--preset", "1", "-o", str(out / "s.png")]),
        "info": ("studio.imaging.recipe", "read_recipe", ["info", str(image)]),
        "models": ("studio.engine.registry.ModelRegistry", "models", ["models"]),
        "data": ("studio.train.data.from_folder", "build_from_folder",
                 ["data", "build", "--from-folder", str(tmp_path), "--out", str(out / "d")]),
        "train": ("studio.train.loop", "run_training",
                  ["train", "--family", "vae", "--data", str(tmp_path), "--out", str(out / "t")]),
        "eval": ("studio.train.evaluation.report", "evaluate_models",
                 ["eval", "--data", str(tmp_path), "builtin-vae"]),
        "bench": ("studio.bench.generate", "bench_generate",
                  ["bench", "generate", "--model", "builtin-vae"]),
    }  # fmt: skip


def _inject(monkeypatch, target: str, attribute: str, error: BaseException) -> None:
    import importlib

    module_name, _, class_name = target.rpartition(".")
    try:
        owner = importlib.import_module(target)
    except ModuleNotFoundError:
        owner = getattr(importlib.import_module(module_name), class_name)

    def fault(*_args, **_kwargs):
        raise error

    monkeypatch.setattr(owner, attribute, fault)


def _run(argv: list[str]) -> int:
    return bench_main(argv[1:]) if argv[0] == "bench" else main(argv)


def _messages(err: str) -> list[str]:
    # Benchmarks announce themselves (and a loaded machine) on stderr before they run.
    lines = [s for line in err.splitlines() for s in line.split("\r") if s.startswith("studio ")]
    return [s for s in lines if "running (progress below" not in s and "load average" not in s]


COMMANDS = ["generate", "style", "info", "models", "data", "train", "eval", "bench"]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_bug_at_the_riskiest_call_is_a_short_message_and_a_log(
    command, tmp_path, image, monkeypatch, capsys, _private_log_folder
) -> None:
    target, attribute, argv = _commands(tmp_path, image)[command]
    _inject(monkeypatch, target, attribute, RuntimeError(f"injected into {command}"))
    assert _run(argv) == 70
    err = capsys.readouterr().err
    log = _private_log_folder / "studio.log"
    label = f"studio {argv[0]}" + (f" {argv[1]}" if command == "bench" else "")
    assert _messages(err) == [
        f"{label}: error: {label} failed because of a bug in Studio (RuntimeError); the details "
        f"are in {log}. Please include that file if you report it."
    ]
    assert "Traceback" not in err
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text
    assert f"RuntimeError: injected into {command}" in text


@pytest.mark.parametrize("command", COMMANDS)
def test_an_anticipated_failure_at_the_riskiest_call_is_one_line(
    command, tmp_path, image, monkeypatch, capsys
) -> None:
    target, attribute, argv = _commands(tmp_path, image)[command]
    _inject(monkeypatch, target, attribute, ModelLoadError("x.safetensors is damaged: fix it."))
    assert _run(argv) == 1
    err = capsys.readouterr().err
    assert _messages(err)[-1].endswith(": error: x.safetensors is damaged: fix it.")
    assert len(_messages(err)) == 1 and "Traceback" not in err


@pytest.mark.parametrize("command", ["info", "models"])
def test_memory_errors_and_interrupts_do_not_escape(
    command, tmp_path, image, monkeypatch, capsys
) -> None:
    target, attribute, argv = _commands(tmp_path, image)[command]
    _inject(monkeypatch, target, attribute, KeyboardInterrupt())
    assert _run(argv) == 130
    assert capsys.readouterr().err == f"studio {command}: interrupted\n"
    _inject(monkeypatch, target, attribute, MemoryError())
    assert _run(argv) == 70
    assert "(MemoryError)" in capsys.readouterr().err


def _studio(args: list[str], **env: str) -> list[str]:
    return [sys.executable, "-m", "studio", *args]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), STUDIO_STATE_DIR=str(tmp_path / "state"))
    env.update(extra)
    return env


def test_a_closed_pipe_ends_quietly(tmp_path, image) -> None:
    """Defect 11: ``studio info x.png | head -c 1`` printed a BrokenPipeError traceback."""
    command = " ".join(_studio(["info", str(image)])) + " | head -c 1"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        capture_output=True,
        env=_env(tmp_path),
        timeout=60,
        check=False,
    )
    assert done.stdout == b"a" or len(done.stdout) == 1
    assert done.stderr == b""
    assert done.returncode in (0, 141)


def test_a_non_utf8_file_name_on_a_strict_terminal_is_escaped(tmp_path) -> None:
    """Defect 11: a non-UTF-8 name under a strict UTF-8 stdout raised UnicodeEncodeError."""
    name = os.fsdecode(b"caf\xe9.png")
    path = tmp_path / name
    path.write_bytes(encode_png(np.zeros((4, 4, 3), dtype=np.uint8)))
    done = subprocess.run(
        _studio(["info", str(path)]),
        capture_output=True,
        env=_env(tmp_path, PYTHONIOENCODING="utf-8:strict", LC_ALL="C.UTF-8"),
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert b"Traceback" not in done.stderr and b"UnicodeEncodeError" not in done.stderr
    assert b"caf\\udce9.png" in done.stdout + done.stderr
