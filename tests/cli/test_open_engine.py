"""Every engine command starts its engine the same way: saved settings, a damaged file warned."""

from __future__ import annotations

from studio.cli.engine import open_engine
from studio.project.settings import default_settings_path


def test_a_damaged_settings_file_is_a_warning_naming_the_command(capsys) -> None:
    path = default_settings_path()
    path.parent.mkdir(parents=True)
    path.write_text("{ not json")

    engine = open_engine("tile", None)
    engine.close()

    err = capsys.readouterr().err
    assert err.startswith("studio tile: warning: ") and "not valid JSON" in err
    assert not path.exists()  # set aside beside it, never deleted


def test_without_a_settings_file_nothing_is_said(capsys) -> None:
    open_engine("generate", "cpu").close()

    assert capsys.readouterr().err == ""
