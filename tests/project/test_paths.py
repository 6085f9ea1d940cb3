"""Where Studio keeps settings and unsaved work."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from studio.project.paths import default_config_dir, default_data_dir, default_recovery_dir

linux_only = pytest.mark.skipif(
    sys.platform in ("win32", "darwin"), reason="XDG folders are the Linux convention"
)


def test_studio_variables_override_everything(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "c"))

    assert default_recovery_dir() == tmp_path / "d" / "recovery"
    assert default_config_dir() == tmp_path / "c"


@linux_only
def test_xdg_folders(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("STUDIO_DATA_DIR")
    monkeypatch.delenv("STUDIO_CONFIG_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))

    assert default_recovery_dir() == tmp_path / "share" / "studio" / "recovery"
    assert default_config_dir() == tmp_path / "config" / "studio"


@linux_only
def test_home_defaults_and_relative_xdg_values_are_ignored(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("STUDIO_DATA_DIR")
    monkeypatch.delenv("STUDIO_CONFIG_DIR")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", "relative/share")
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)

    assert default_data_dir() == tmp_path / ".local" / "share" / "studio"
    assert default_config_dir() == tmp_path / ".config" / "studio"
