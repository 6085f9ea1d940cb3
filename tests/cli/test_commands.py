"""The ``studio`` parser offers every command the README documents."""

from __future__ import annotations

import pytest

from studio.cli import SUBCOMMANDS, main
from studio.launcher import main as launcher_main

DOCUMENTED = {"generate", "info", "models", "style", "bench", "data", "train", "eval"}


def test_every_documented_command_is_registered() -> None:
    assert DOCUMENTED <= SUBCOMMANDS


@pytest.mark.parametrize("command", sorted(DOCUMENTED))
def test_each_command_answers_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    # The launcher routes `studio bench` to its own parser; the rest go to studio.cli.
    with pytest.raises(SystemExit) as exit_info:
        launcher_main([command, "--help"])
    assert exit_info.value.code == 0
    assert f"studio {command}" in capsys.readouterr().out


def test_an_unknown_command_is_one_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["paint"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'paint'" in capsys.readouterr().err
