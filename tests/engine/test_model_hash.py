"""Model files are hashed in one place, streamed in chunks, remembered per process."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from studio.engine.model_hash import SHORT_HASH_LENGTH, file_sha256, short_hash
from studio.engine.style import thumbnail_files


def test_the_full_and_short_hash_are_the_sha256_of_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    path.write_bytes(b"weights" * 1000)
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    assert file_sha256(path) == expected
    assert short_hash(path) == expected[:SHORT_HASH_LENGTH]


def test_a_replaced_file_is_hashed_again(tmp_path: Path) -> None:
    path = tmp_path / "model.ckpt"
    path.write_bytes(b"one")
    first = file_sha256(path)
    path.write_bytes(b"two, longer")
    assert file_sha256(path) == hashlib.sha256(b"two, longer").hexdigest() != first


@pytest.mark.timeout(20)
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
def test_folders_fifos_and_missing_files_have_no_hash(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.ckpt"
    os.mkfifo(fifo)
    for path in (tmp_path, fifo, tmp_path / "missing.ckpt"):
        assert short_hash(path) == ""
        with pytest.raises(OSError):
            file_sha256(path)


def test_the_style_network_is_hashed_without_reading_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The thumbnail folder's name comes from the streaming hash, not a read of the whole file."""
    onnx = tmp_path / thumbnail_files.MULTISTYLE_ONNX
    onnx.write_bytes(b"network")
    monkeypatch.setattr(thumbnail_files, "package_models_dir", lambda: tmp_path)

    def whole_read(self: Path) -> bytes:
        raise AssertionError(f"{self.name} was read whole")

    monkeypatch.setattr(Path, "read_bytes", whole_read)
    folder = thumbnail_files.thumbnail_folder(tmp_path / "cache", 96)
    assert folder.name == f"96px-v1-{hashlib.sha256(b'network').hexdigest()[:12]}"
