"""Writing outputs: every problem is one line before the work, nothing half-written after it."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import studio.imaging.atomic
from studio.cli import main
from studio.domain.errors import OutputError
from studio.imaging.png import encode_png
from studio.ops.output import write_output

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "photo.png"
    Image.fromarray(np.full((32, 32, 3), 90, np.uint8)).save(path)
    return path


def _generate(tiny_sd_dir: Path, out: Path, *extra: str) -> list[str]:
    return ["generate", "a fox", "--model", str(tiny_sd_dir), "--steps", "1", "--size", "64x64",
            "--seed", "1", *extra, "-o", str(out)]  # fmt: skip


def _one_line(argv: list[str], capsys) -> str:
    code = main(argv)
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if "error:" in line]
    assert code == 1
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


def _no_temporary_files(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]


def _style(photo: Path, out: Path, *extra: str) -> list[str]:
    return ["style", str(photo), "-o", str(out), "--preset", "1", "--max-size", "32", *extra]


@pytest.mark.parametrize("command", ["generate", "style"])
def test_a_folder_path_through_a_file_is_one_line_even_as_root(
    command, tiny_sd_dir, photo, tmp_path, capsys
):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder")
    out = blocker / "out.png"
    argv = _generate(tiny_sd_dir, out) if command == "generate" else _style(photo, out)
    line = _one_line(argv, capsys)
    assert str(out) in line and "is a file, not a folder" in line


@pytest.mark.parametrize("command", ["generate", "style"])
def test_a_folder_at_the_output_path_is_one_line(command, tiny_sd_dir, photo, tmp_path, capsys):
    out = tmp_path / "taken.png"
    out.mkdir()
    argv = _generate(tiny_sd_dir, out) if command == "generate" else _style(photo, out)
    assert "it is a folder" in _one_line(argv, capsys)


@pytest.mark.parametrize("command", ["generate", "style"])
def test_an_existing_output_is_kept_unless_overwrite(command, tiny_sd_dir, photo, tmp_path, capsys):
    out = tmp_path / "mine.png"
    out.write_bytes(b"precious")
    argv = _generate(tiny_sd_dir, out) if command == "generate" else _style(photo, out)
    line = _one_line(argv, capsys)
    assert "already exists" in line and "--overwrite" in line
    assert out.read_bytes() == b"precious"
    assert main([*argv, "--overwrite"]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")


def test_a_later_image_of_a_batch_is_protected_too(tiny_sd_dir, tmp_path, capsys):
    (tmp_path / "b-2.png").write_bytes(b"precious")
    line = _one_line(_generate(tiny_sd_dir, tmp_path / "b.png", "--count", "2"), capsys)
    assert "b-2.png" in line
    assert not (tmp_path / "b.png").exists()


def test_a_255_byte_name_is_written(tiny_sd_dir, tmp_path):
    out = tmp_path / ("d" * 251 + ".png")
    assert main(_generate(tiny_sd_dir, out)) == 0
    assert out.read_bytes().startswith(b"\x89PNG")
    _no_temporary_files(tmp_path)


def test_a_name_over_the_limit_is_one_line(tiny_sd_dir, tmp_path, capsys):
    out = tmp_path / ("d" * 256 + ".png")
    assert "too long" in _one_line(_generate(tiny_sd_dir, out), capsys)


def _full_disk(monkeypatch):
    def no_space(descriptor):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(studio.imaging.atomic.os, "fsync", no_space)


@pytest.mark.parametrize("command", ["generate", "style"])
def test_a_full_disk_is_one_line_and_leaves_nothing(
    command, tiny_sd_dir, photo, tmp_path, capsys, monkeypatch
):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "full.png"
    _full_disk(monkeypatch)
    argv = _generate(tiny_sd_dir, out) if command == "generate" else _style(photo, out)
    line = _one_line(argv, capsys)
    assert str(out) in line and "disk is full" in line
    assert list(out_dir.iterdir()) == []


def test_a_full_disk_leaves_the_old_file_whole(tmp_path, monkeypatch):
    out = tmp_path / "old.png"
    old = encode_png(np.zeros((4, 4, 3), np.uint8))
    out.write_bytes(old)
    _full_disk(monkeypatch)
    with pytest.raises(OutputError, match="disk is full"):
        write_output(out, b"new")
    assert out.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.png"]


def test_an_empty_prompt_warns(tiny_sd_dir, tmp_path, capsys):
    argv = _generate(tiny_sd_dir, tmp_path / "e.png")
    argv[1] = "  "
    assert main(argv) == 0
    assert "warning: the prompt is empty" in capsys.readouterr().err


def test_init_with_the_builtin_model_is_one_cli_worded_line(photo, tmp_path, capsys):
    argv = ["generate", "oil painting", "--init", str(photo), "-o", str(tmp_path / "p.png")]
    line = _one_line(argv, capsys)
    assert "--init needs a Stable Diffusion model" in line and "--model PATH" in line
    assert "clear the source image" not in line


def test_outputs_of_other_kinds_name_their_endings(tmp_path: Path) -> None:
    from studio.ops.output import check_output_paths

    check_output_paths([tmp_path / "p.gpl"], overwrite=False, suffixes=(".gpl", ".hex"))
    with pytest.raises(OutputError, match=r"must end in \.gpl or \.hex\.$"):
        check_output_paths([tmp_path / "p.png"], overwrite=False, suffixes=(".gpl", ".hex"))


def test_an_export_that_fails_half_way_leaves_nothing_it_made(tmp_path: Path) -> None:
    from studio.ops.output import write_export

    folder = tmp_path / "export"
    # A real failure after the first file: a name longer than the file system allows.
    files = {"a.png": b"1", "b.json": b"2", "c" * 300 + ".png": b"3"}
    with pytest.raises(OutputError) as refused:
        write_export(folder, files, overwrite=False)
    assert "\n" not in str(refused.value)
    assert not folder.exists()


def test_an_export_refused_by_a_name_changes_nothing(tmp_path: Path) -> None:
    from studio.ops.output import write_export

    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "mine.txt").write_text("keep")
    (folder / "a.png").write_bytes(b"old")
    with pytest.raises(OutputError):
        write_export(folder, {"a.png": b"new", "c" * 300 + ".png": b"3"}, overwrite=True)
    assert sorted(p.name for p in folder.iterdir()) == ["a.png", "mine.txt"]
