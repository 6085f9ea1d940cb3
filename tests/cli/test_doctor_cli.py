"""``studio doctor`` reports the machine and names what is missing."""

from __future__ import annotations

from pathlib import Path

from studio.cli import main
from tests.test_qt_preflight import broken_plugin_dir  # noqa: F401  (fixture)


def test_a_healthy_machine_has_nothing_missing(monkeypatch, capsys):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    for label in ("Python: 3.", "torch: ", "device cpu", "Qt platform: offscreen", "Free disk"):
        assert label in out
    assert "Cache folder: " in out and "Built-in models: " in out
    assert out.rstrip().endswith("Nothing is missing.")


def test_missing_system_libraries_are_named(broken_plugin_dir: Path, monkeypatch, capsys):  # noqa: F811
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setenv("QT_QPA_PLATFORM_PLUGIN_PATH", str(broken_plugin_dir))
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "Missing:" in out and "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in out
