"""The README's command-line examples run as written (the fast ones; the rest are named).

The examples are read from the README's ``bash`` blocks, so editing an example edits the test.
They run in a temporary home folder. ``~/models/sd15.safetensors``, the README's stand-in for
the user's own model, is replaced by a tiny random SD pipeline folder built here (a tiny model
cannot travel as a single file: single files load with the full-size SD configs).
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest

from studio.launcher import main

README = Path(__file__).resolve().parents[1] / "README.md"
# Not run here, on purpose: they open the window, fetch data, train for minutes or time the
# machine; the game-export examples name the user's own files (a.png, IMAGE, tiles/). Each has
# its own tests.
NOT_RUN = ("studio [", "studio bench", "studio data", "studio train", "studio eval")
NOT_RUN += ("studio sheet", "studio pixelate", "studio matte", "studio tileset")
# The cluster example needs the user's CSV and a running Ray cluster (tests/cli/test_batch_ray.py).
NOT_RUN += ("studio batch sprites.csv",)
# The editing examples that start from the user's own picture (tests/cli covers each flag).
NOT_RUN += ('studio generate "a golden crown" --init', 'studio generate "a wide meadow" --init')
NOT_RUN += ("studio tile photo.png",)
# The add-on examples name the user's own install, LoRA and upscaler files; each has its own
# tests with tiny files of the real formats (tests/cli/test_models_kinds_cli.py,
# test_generate_lora_cli.py, test_generate_hires_cli.py, test_upscale_cli.py,
# test_batch_upscale.py).
NOT_RUN += ("studio models --add ~/", 'studio generate "a knight <lora:', "studio upscale sprite")
NOT_RUN += ('studio generate "a castle" --model sd15', "studio batch SPEC")
# The ControlNet example needs the user's ControlNet files (tests/cli/test_generate_control_cli.py).
NOT_RUN += ('studio generate "a posed knight"',)
# The batch of controls needs the ControlNet and pictures (tests/cli/test_batch_control_cli.py).
NOT_RUN += ("studio batch knight.csv",)
HEAVY = ('"a castle at dusk"',)  # 4 images at 512x768 px: the SD test suite covers it


def readme_commands() -> list[str]:
    """Every ``studio ...`` command in the README's bash blocks, continuation lines joined."""
    commands: list[str] = []
    for block in re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            line = line.split(" # ")[0].strip()
            if line.startswith("studio "):
                commands.append(re.sub(r"\s+", " ", line))
    return commands


def _argv(command: str) -> list[str]:
    # The README shows options in [brackets]; run it with them left out, as typed first.
    plain = re.sub(r"\[[^\]]*\]", "", command)
    plain = plain.replace("~/models/sd15.safetensors", "~/tiny-sd")
    return [os.path.expanduser(a) for a in shlex.split(plain)[1:]]


def test_the_readme_shows_the_examples_this_test_runs():
    commands = readme_commands()
    assert 'studio generate "a red dragon" -o dragon.png' in commands
    assert any("--init dragon.png" in c for c in commands)


@pytest.fixture
def fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from studio.bench.tiny_models import build_tiny_pipeline

    home = tmp_path / "home"
    home.mkdir()
    build_tiny_pipeline(home / "tiny-sd", "sd1", seed=0)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")  # studio doctor: no display here
    monkeypatch.chdir(home)
    return home


@pytest.mark.slow
def test_readme_examples_run_as_written(fresh_home: Path, capsys):
    ran = []
    for command in readme_commands():
        if command.startswith(NOT_RUN) or any(h in command for h in HEAVY):
            continue
        code = main(_argv(command))
        captured = capsys.readouterr()
        assert code == 0, f"{command}\n{captured.err}"
        assert "Traceback" not in captured.err
        ran.append(command.split()[1])
    assert (fresh_home / "dragon.png").is_file()
    assert (fresh_home / "painted.png").is_file() and (fresh_home / "styled.png").is_file()
    assert {"generate", "info", "models", "style", "doctor"} <= set(ran)
