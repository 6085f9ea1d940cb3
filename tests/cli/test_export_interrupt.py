"""Ctrl+C during ``studio tileset`` / ``studio sheet``: the job path's cancel, never half an export.

The signal is the real SIGINT, raised in the process while the export works, so it goes
through whatever handler the command installed.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

import studio.ops.export as export
import studio.project.export_folder as export_folder
from studio.cli import main
from studio.cli.boundary import EXIT_INTERRUPTED
from studio.imaging.png import encode_png
from studio.ops.export_manifest import MANIFEST_NAME
from tests.imaging.sheets.conftest import make_sprites


def _argv(command: str, tmp_path: Path) -> list[str]:
    paths = []
    for index, sprite in enumerate(make_sprites(4)):
        path = tmp_path / f"t{index}.png"
        path.write_bytes(encode_png(sprite[:, :16]))  # one size: valid tiles and frames
        paths.append(str(path))
    return [command, *paths, "-o", str(tmp_path / "out")]


def test_ctrl_c_while_the_tileset_is_encoded_stops_it_and_writes_nothing(
    tmp_path, monkeypatch, capsys
) -> None:
    real_files = export.tileset_files

    def interrupted_files(*args, **kwargs):
        signal.raise_signal(signal.SIGINT)  # the user presses Ctrl+C while it encodes
        return real_files(*args, **kwargs)

    monkeypatch.setattr(export, "tileset_files", interrupted_files)
    before = signal.getsignal(signal.SIGINT)  # whatever the test runner installed
    assert main(_argv("tileset", tmp_path)) == EXIT_INTERRUPTED
    assert capsys.readouterr().err.strip() == "studio tileset: interrupted"
    assert not (tmp_path / "out").exists()
    assert signal.getsignal(signal.SIGINT) is before  # the handler is restored


@pytest.mark.parametrize("command", ["tileset", "sheet"])
def test_ctrl_c_while_files_are_written_finishes_the_export_whole(
    command, tmp_path, monkeypatch, capsys
) -> None:
    real_write = export_folder.atomic_write_bytes
    presses = []

    def write_then_press(target, data):
        real_write(target, data)
        if not presses:  # Ctrl+C right after the first file landed
            presses.append(target.name)
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(export_folder, "atomic_write_bytes", write_then_press)
    assert main(_argv(command, tmp_path)) == 0
    assert "wrote" in capsys.readouterr().out
    out = tmp_path / "out"
    listed = (out / MANIFEST_NAME).read_text()
    made = sorted(p.name for p in out.iterdir() if p.name != MANIFEST_NAME)
    assert len(made) > 1 and all(name in listed for name in made)  # every file and its manifest
