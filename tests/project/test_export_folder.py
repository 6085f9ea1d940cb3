"""Exports write only inside their folder, atomically, replacing a previous export."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from studio.domain.errors import InvalidRequestError
from studio.project.export_folder import write_export_files


def test_files_are_written_and_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    write_export_files(folder, {"a.png": b"1", "a.json": b"{}"})
    write_export_files(folder, {"a.png": b"2"})
    assert (folder / "a.png").read_bytes() == b"2"
    assert sorted(p.name for p in folder.iterdir()) == ["a.json", "a.png"]


@pytest.mark.parametrize("name", ["../evil.png", "sub/evil.png", "..", "", "/etc/evil"])
def test_names_that_would_leave_the_folder_write_nothing(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "out"
    with pytest.raises(InvalidRequestError, match="would leave"):
        write_export_files(folder, {"fine.png": b"1", name: b"x"})
    assert list(folder.iterdir()) == []
    assert not (tmp_path / "evil.png").exists()


def test_a_planted_symlink_is_not_followed_out(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    os.symlink(outside, folder / "sheet.png")
    with pytest.raises(InvalidRequestError, match="would leave"):
        write_export_files(folder, {"sheet.png": b"x"})
    assert outside.read_text() == "keep"
