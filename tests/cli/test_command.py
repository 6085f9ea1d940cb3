"""``studio.cli.command``: a command declared as data becomes the parser argparse would build."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from studio.cli import build_parser
from studio.cli.command import Command, Group, arg, device_option, json_option, output_file


def _parser(command: Command) -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="studio")
    command.register(root.add_subparsers(dest="command"))
    return root


def test_a_declared_command_parses_its_shared_and_own_options() -> None:
    command = Command(
        "shade",
        "shade an image",
        args=(arg("image", type=Path), *output_file(), arg("--level", type=int), device_option()),
    )

    @command.runs
    def run(args: argparse.Namespace) -> int:
        return args.level

    args = _parser(command).parse_args(
        ["shade", "in.png", "-o", "out.png", "--overwrite", "--level", "3", "--device", "cpu"]
    )
    assert (args.image, args.output, args.overwrite) == (Path("in.png"), Path("out.png"), True)
    assert args.handler is run and args.handler(args) == 3 and args.device == "cpu"


def test_the_shared_output_is_required_and_the_device_is_one_of_the_known(capsys) -> None:
    command = Command("shade", "shade", args=(*output_file(), device_option()))
    command.runs(lambda args: 0)
    parser = _parser(command)
    with pytest.raises(SystemExit):
        parser.parse_args(["shade"])
    assert "the following arguments are required: -o/--output" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parser.parse_args(["shade", "-o", "x.png", "--device", "tpu"])
    assert "invalid choice: 'tpu'" in capsys.readouterr().err


def test_an_exclusive_group_refuses_both(capsys) -> None:
    command = Command(
        "rows",
        "print rows",
        args=(Group(exclusive=True, args=(json_option(), arg("--markdown", action="store_true"))),),
    )
    command.runs(lambda args: 0)
    with pytest.raises(SystemExit):
        _parser(command).parse_args(["rows", "--json", "--markdown"])
    assert "not allowed with argument" in capsys.readouterr().err


def test_a_command_nothing_runs_is_refused_when_registered() -> None:
    with pytest.raises(TypeError, match="studio idle has no handler"):
        _parser(Command("idle", "does nothing"))


def test_every_studio_command_has_a_handler() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in commands.choices.items():
        if name == "bench":
            continue  # routed to studio.bench by the launcher
        actions = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]
        parsers = list(actions[0].choices.values()) if actions else [sub]
        for each in parsers:
            assert callable(each.get_default("handler")), name
