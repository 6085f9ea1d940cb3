"""An export folder never mixes two exports (issue 22, fix 5): a manifest of the files each
export wrote, a second export refused without ``overwrite`` and, with it, exactly the earlier
files removed; a hostile manifest removes nothing outside the folder."""

from __future__ import annotations

import json

import pytest

from studio.domain.errors import OutputError
from studio.domain.export_requests import ExportImage, SheetExportRequest
from studio.ops.export import export_sheet
from studio.ops.export_manifest import MANIFEST_NAME
from tests.imaging.sheets.conftest import make_sprites


def _request(folder, count: int, formats=("unity", "csv"), **kwargs) -> SheetExportRequest:
    frames = tuple(ExportImage(f"f{i}", p) for i, p in enumerate(make_sprites(count)))
    return SheetExportRequest(folder=folder, frames=frames, formats=formats, **kwargs)


def test_every_export_lists_its_files_in_a_manifest(tmp_path) -> None:
    export = export_sheet(_request(tmp_path, 2))
    listed = json.loads((tmp_path / MANIFEST_NAME).read_text())["files"]
    assert sorted(listed) == sorted(p.name for p in export.written)
    assert sorted([*listed, MANIFEST_NAME]) == sorted(p.name for p in tmp_path.iterdir())


def test_a_second_export_into_the_folder_is_refused(tmp_path) -> None:
    export_sheet(_request(tmp_path, 4, name="hero"))
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    # Another name shares no file with the first export, and is refused all the same.
    with pytest.raises(OutputError, match=r"holds an earlier export.*--overwrite"):
        export_sheet(_request(tmp_path, 1, name="villain"))
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_overwrite_leaves_no_stale_file_and_keeps_the_users(tmp_path) -> None:
    """A one-frame export over a four-frame one with more formats: the old Unity .meta and the
    old formats go, the user's notes stay."""
    export_sheet(_request(tmp_path, 4, formats=("unity", "csv", "libgdx"), name="hero"))
    (tmp_path / "notes.txt").write_text("mine")
    export = export_sheet(_request(tmp_path, 1, formats=("csv",), name="hero2", overwrite=True))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [MANIFEST_NAME, "notes.txt", *(p.name for p in export.written)]
    )
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert export.notes == ()


@pytest.mark.parametrize("entry", ["../victim.txt", "/tmp/../victim.txt", "sub/x.png", ".."])
def test_a_hostile_manifest_removes_nothing_outside_the_folder(tmp_path, entry) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (folder / "sub").mkdir()
    (folder / "sub" / "x.png").write_text("keep")
    (folder / MANIFEST_NAME).write_text(json.dumps({"files": [entry]}))
    export = export_sheet(_request(folder, 1, overwrite=True))
    assert victim.read_text() == "keep" and (folder / "sub" / "x.png").read_text() == "keep"
    assert len(export.notes) == 1 and "not a file of this folder" in export.notes[0]


def test_a_manifest_entry_that_is_a_symlink_keeps_its_target(tmp_path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    target = tmp_path / "precious.png"
    target.write_text("keep")
    (folder / "link.png").symlink_to(target)
    (folder / MANIFEST_NAME).write_text(json.dumps({"files": ["link.png"]}))
    export = export_sheet(_request(folder, 1, overwrite=True))
    assert target.read_text() == "keep" and (folder / "link.png").is_symlink()
    assert "symlink" in export.notes[0]


def test_a_broken_manifest_is_one_line_and_nothing_is_written(tmp_path) -> None:
    (tmp_path / MANIFEST_NAME).write_text("[" * 10_000)
    with pytest.raises(OutputError, match="not a Studio export manifest"):
        export_sheet(_request(tmp_path, 1, overwrite=True))
    assert [p.name for p in tmp_path.iterdir()] == [MANIFEST_NAME]
