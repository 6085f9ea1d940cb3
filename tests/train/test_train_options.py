"""``--lr`` and ``--option NAME=VALUE`` change the recipe of a run, and a resumed run keeps them."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from studio.cli import train as train_cli
from studio.domain.errors import InvalidRequestError
from studio.train.checkpoint import CHECKPOINT_NAME, load_checkpoint


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="studio")
    train_cli.COMMAND.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def _args(data: Path, out: Path, *extra: str) -> argparse.Namespace:
    base = ["train", "--family", "vae", "--data", str(data), "--out", str(out)]
    return _parse([*base, "--preset", "tiny", "--sample-every", "0", "--threads", "1", *extra])


def _stored_recipe(out: Path) -> dict:
    return load_checkpoint(out / CHECKPOINT_NAME)["recipe"]


def test_options_reach_the_recipe_the_card_and_the_resumed_run(
    model_synthetic_dir, tmp_path
) -> None:
    out = tmp_path / "run"
    extra = ("--steps", "1", "--lr", "0.002", "--option", "kl_warmup=0")
    args = _args(model_synthetic_dir, out, *extra)
    assert args.handler(args) == 0
    recipe = _stored_recipe(out)
    assert recipe["lr"] == 0.002 and recipe["options"]["kl_warmup"] == 0.0
    manifest = json.loads((out / "studio_model.json").read_text())
    assert "--lr 0.002 --option kl_warmup=0" in manifest["training"]["command"]

    resumed = _args(model_synthetic_dir, out, "--resume", "--steps", "2")
    assert resumed.handler(resumed) == 0
    recipe = _stored_recipe(out)
    assert recipe["lr"] == 0.002 and recipe["options"]["kl_warmup"] == 0.0


def test_an_unknown_option_names_the_known_ones(model_synthetic_dir, tmp_path) -> None:
    args = _args(model_synthetic_dir, tmp_path / "run", "--steps", "1", "--option", "klw=1")
    with pytest.raises(InvalidRequestError, match=r"no option 'klw'.*kl_warmup"):
        args.handler(args)


def test_an_option_without_a_number_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit):
        _parse(["train", "--family", "vae", "--data", "d", "--out", "o", "--option", "kl_warmup"])
    assert "is not NAME=NUMBER" in capsys.readouterr().err


def test_the_recorded_command_repeats_lr_and_options() -> None:
    argv = ["train", "--family", "vae", "--data", "d", "--out", "o", "--steps", "3"]
    args = _parse([*argv, "--lr", "1e-4", "--option", "kl_warmup=0", "--option", "kl_weight=0.25"])
    reparsed = _parse(train_cli._command_args(args))
    assert reparsed.lr == args.lr and reparsed.option == args.option
