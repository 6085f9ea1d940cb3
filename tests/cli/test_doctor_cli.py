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


def test_accelerator_memory_is_reported(monkeypatch, capsys):
    """Free and used accelerator memory, or a line saying there is no accelerator."""
    import torch

    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    main(["doctor"])
    lines = [line for line in capsys.readouterr().out.splitlines() if "Accelerator memory" in line]
    assert len(lines) == 1
    has_accelerator = torch.cuda.is_available() or torch.backends.mps.is_available()
    if has_accelerator:
        assert "GiB free, " in lines[0] and lines[0].endswith("GiB used")
    else:
        assert "no accelerator" in lines[0]


def test_memory_line_says_gib_free_and_used():
    from studio.cli.doctor_memory import memory_line

    line = memory_line("cuda (NVIDIA H100)", free=70 * 1024**3, used=int(9.5 * 1024**3))
    assert line == "Accelerator memory: cuda (NVIDIA H100): 70.0 GiB free, 9.5 GiB used"
