"""The one atomic-write helper: a failed write leaves the old file and no temporary file."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import numpy as np
import pytest

from studio.imaging import atomic
from studio.imaging.atomic import atomic_write_bytes, atomic_write_stream, atomic_write_with


class WriterError(Exception):
    pass


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "file.bin"
    path.write_bytes(b"old contents")
    return path


def _assert_untouched(target: Path) -> None:
    assert target.read_bytes() == b"old contents"
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


def test_a_writer_that_fails_half_way_leaves_the_old_file_and_no_temporary(target) -> None:
    def half_then_fail(temporary: Path) -> None:
        temporary.write_bytes(b"half")
        raise WriterError

    with pytest.raises(WriterError):
        atomic_write_with(target, half_then_fail)

    _assert_untouched(target)


def test_a_stream_writer_that_fails_leaves_the_old_file_and_no_temporary(target) -> None:
    def half_then_fail(handle) -> None:
        handle.write(b"half")
        raise WriterError

    with pytest.raises(WriterError):
        atomic_write_stream(target, half_then_fail)

    _assert_untouched(target)


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_a_full_disk_leaves_the_old_file_and_no_temporary(target, monkeypatch, step) -> None:
    def disk_full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, step, disk_full)
    with pytest.raises(OSError, match="No space"):
        atomic_write_bytes(target, b"new contents")
    monkeypatch.undo()

    _assert_untouched(target)


def test_the_file_and_its_folder_are_flushed_before_and_after_the_rename(
    target, monkeypatch
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor: int) -> None:
        kind = "folder" if os.path.isdir(f"/proc/self/fd/{descriptor}") else "file"
        events.append(f"fsync {kind}")
        real_fsync(descriptor)

    def replace(source, destination) -> None:
        events.append("replace")
        real_replace(source, destination)

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    monkeypatch.setattr(atomic.os, "replace", replace)
    atomic_write_with(target, lambda temporary: temporary.write_bytes(b"new"))

    assert target.read_bytes() == b"new"
    assert events == ["fsync file", "replace", "fsync folder"]


def test_a_path_writer_and_a_stream_writer_replace_the_file(target) -> None:
    array = np.arange(6, dtype=np.uint8)

    atomic_write_stream(target, lambda handle: np.save(handle, array))
    np.testing.assert_array_equal(np.load(target), array)

    atomic_write_with(target, lambda temporary: temporary.write_text("text"))
    assert target.read_text() == "text"
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
