"""Hostile input to train/data/eval, ``models --add``, ``info`` and the edit flags of generate.

Issue 18: every case ends in one line naming the file or option (exit 1 or a usage error),
never a hang, a bug exit (70), a raw control byte or a file written where it should not be.
Each runs under a timeout, so a hang fails the test instead of stalling CI.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from studio.cli import main
from studio.domain.errors import InvalidRequestError
from studio.train.loop import TrainOptions, run_training

pytestmark = pytest.mark.timeout(30)


@pytest.fixture(autouse=True)
def _private_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bug's log goes to the test's folder, never the user's."""
    folder = tmp_path / "state"
    monkeypatch.setenv("STUDIO_STATE_DIR", str(folder))
    return folder


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    return err[-1] if err else ""


# --- Float options: NaN and infinity are refused while the command line is parsed.

FLOAT_OPTIONS = [
    ("train", ["--family", "vae", "--data", "d", "--out", "o", "--minutes"]),
    ("train", ["--family", "vae", "--data", "d", "--out", "o", "--steps", "1", "--lr"]),
    ("data", ["build", "--out", "o", "--recolour-share"]),
    ("generate", ["x", "-o", "x.png", "--cfg"]),
    ("generate", ["x", "-o", "x.png", "--variation-strength"]),
]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN", "1e999"])
@pytest.mark.parametrize(("command", "argv"), FLOAT_OPTIONS)
def test_a_float_option_that_is_not_finite_is_a_usage_error(
    command, argv, value, tmp_path, capsys, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as refused:
        main([command, *argv[:-1], f"{argv[-1]}={value}"])
    assert refused.value.code == 2
    line = _error_line(capsys)
    label = "data build" if command == "data" else command
    assert line.startswith(f"studio {label}: error: argument {argv[-1]}")
    assert "is not a finite number" in line
    assert list(tmp_path.iterdir()) == []


def test_a_recipe_option_that_is_not_finite_is_a_usage_error(capsys) -> None:
    base = ["train", "--family", "vae", "--data", "d", "--out", "o", "--steps", "1"]
    with pytest.raises(SystemExit):
        main([*base, "--option", "kl_warmup=nan"])
    assert "is not NAME=NUMBER" in _error_line(capsys)


@pytest.mark.parametrize(
    ("changes", "flag"),
    [
        ({"minutes": float("nan")}, "--minutes"),
        ({"minutes": float("inf")}, "--minutes"),
        ({"minutes": -1.0}, "--minutes"),
        ({"minutes": 1e308}, "--minutes"),
        ({"steps": 1, "lr": float("inf")}, "--lr"),
        ({"steps": 1, "seed": 2**64}, "--seed"),
        ({"steps": 1, "seed": -1}, "--seed"),
        ({"steps": 1, "threads": 2**40}, "--threads"),
        ({"steps": 10**30}, "--steps"),
        ({"steps": 1, "recipe_options": (("kl_warmup", float("nan")),)}, "--option"),
    ],
)
def test_training_numbers_are_checked_before_any_work(changes, flag, tmp_path) -> None:
    # The data folder does not exist: the options must be refused before it is looked at.
    options = TrainOptions("vae", tmp_path / "missing", tmp_path / "out", **changes)
    with pytest.raises(InvalidRequestError, match=flag):
        run_training(options)
    assert not (tmp_path / "out").exists()
