"""``studio train``: a two-step run writes a model folder Studio can load and generate with."""

from __future__ import annotations

import argparse
import json
import threading
from pathlib import Path

import numpy as np
import pytest

from studio.cli import train as train_cli
from studio.domain.requests import GenerationRequest


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="studio")
    train_cli.COMMAND.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def _train(family: str, data: Path, out: Path, *extra: str) -> int:
    budget = ["--steps", "2", "--preset", "tiny", "--sample-every", "1", "--threads", "1"]
    args = _parse(
        ["train", "--family", family, "--data", str(data), "--out", str(out), *budget, *extra]
    )
    return args.handler(args)


def _generate_one(folder: Path) -> np.ndarray:
    from studio.engine.builtin import discover_builtin_models
    from studio.engine.builtin.loader import load_builtin_backend

    info = next(i for i in discover_builtin_models(folder.parent) if i.location == str(folder))
    backend = load_builtin_backend(info, "cpu")
    try:
        request = GenerationRequest("red circle", width=64, height=64, seed=3, steps=3)
        return next(iter(backend.generate(request, lambda update: None, threading.Event()))).pixels
    finally:
        backend.unload()


def _check_model_folder(out: Path, family: str) -> None:
    manifest = json.loads((out / "studio_model.json").read_text())
    assert manifest["family"] == family and manifest["name"] == f"builtin-{family}"
    assert manifest["native_size"] == 16 and manifest["image_size"] == 64
    assert manifest["training"]["steps"] == 2
    assert manifest["dataset"]["sources"][0]["license"] == "CC0-1.0"
    assert sorted(p.name for p in (out / "samples").iterdir()) == [
        "step_0000001.png",
        "step_0000002.png",
    ]
    assert (out / "ATTRIBUTION.md").read_text().startswith("# Attribution")
    card = (out / "MODEL_CARD.md").read_text()
    assert f"studio train --family {family}" in card and "CC0-1.0" in card
    assert "What a longer GPU run would buy" in card


def test_two_steps_write_a_loadable_model(model_synthetic_dir, tmp_path, capsys) -> None:
    out = tmp_path / "builtin-gan"
    assert _train("gan", model_synthetic_dir, out) == 0
    assert "2 steps" in capsys.readouterr().out
    _check_model_folder(out, "gan")
    pixels = _generate_one(out)
    assert pixels.shape == (64, 64, 4) and pixels.dtype == np.uint8


@pytest.mark.slow
@pytest.mark.parametrize("family", ["vae", "ar", "diffusion"])
def test_every_family_trains_from_the_command_line(family, model_synthetic_dir, tmp_path):
    out = tmp_path / f"builtin-{family}"
    assert _train(family, model_synthetic_dir, out) == 0
    _check_model_folder(out, family)
    assert _generate_one(out).shape == (64, 64, 4)


def test_a_run_needs_a_budget(model_synthetic_dir, tmp_path) -> None:
    from studio.domain.errors import InvalidRequestError

    args = _parse(
        ["train", "--family", "vae", "--data", str(model_synthetic_dir), "--out", str(tmp_path)]
    )
    with pytest.raises(InvalidRequestError, match="budget"):
        args.handler(args)


def test_the_recorded_command_repeats_the_run_including_resume(tmp_path: Path) -> None:
    argv = ["train", "--family", "gan", "--data", "d", "--out", "o", "--resume", "--minutes", "130"]
    args = _parse([*argv, "--sample-every", "300", "--threads", "1", "--device", "cuda"])
    recorded = train_cli._command_args(args)
    assert recorded[:8] == ["train", "--family", "gan", "--data", "d", "--out", "o", "--resume"]
    reparsed = _parse(recorded)
    for option in ("resume", "minutes", "sample_every", "threads", "device", "seed", "preset"):
        assert getattr(reparsed, option) == getattr(args, option)


def test_training_runs_on_a_gpu_when_there_is_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from studio.engine import device

    monkeypatch.setattr(device, "_available_devices", lambda: {"cpu", "cuda"})
    assert train_cli._resolve_device("auto") == "cuda"
    assert train_cli._resolve_device("cpu") == "cpu"
    monkeypatch.setattr(device, "_available_devices", lambda: {"cpu"})
    assert train_cli._resolve_device("auto") == "cpu"
