"""Every file a user names is read with a size limit and never blocks (RELIABILITY 22)."""

from __future__ import annotations

import os
import sys

import pytest

from studio.domain.errors import InvalidRequestError
from studio.domain.files import read_user_bytes, read_user_text


def _read(path, max_bytes=1000):
    return read_user_text(path, max_bytes=max_bytes, what="spec", error=InvalidRequestError)


def test_a_small_utf8_file_is_read_without_its_byte_order_mark(tmp_path):
    path = tmp_path / "spec.txt"
    path.write_bytes("\ufeffa red potion\n".encode())
    assert _read(path) == "a red potion\n"


def test_a_sparse_file_over_the_limit_is_refused_from_its_size(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as stream:
        stream.truncate(2 << 30)  # 2 GB of holes: reading it whole would take 2 GB of memory
    with pytest.raises(InvalidRequestError, match=r"huge\.txt is larger than 1000 bytes"):
        _read(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    path = tmp_path / "spec.txt"
    os.mkfifo(path)
    with pytest.raises(InvalidRequestError, match="named pipe"):
        _read(path)


@pytest.mark.skipif(sys.platform == "win32", reason="needs /dev/zero")
def test_a_symlink_to_an_endless_device_is_refused(tmp_path):
    path = tmp_path / "spec.txt"
    path.symlink_to("/dev/zero")
    with pytest.raises(InvalidRequestError, match="device"):
        _read(path)


def test_a_folder_and_a_missing_file_say_what_they_are(tmp_path):
    with pytest.raises(InvalidRequestError, match="is a folder"):
        _read(tmp_path)
    with pytest.raises(InvalidRequestError, match="does not exist"):
        _read(tmp_path / "missing.txt")


def test_bytes_that_are_not_utf8_name_the_file(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes(b"caf\xe9")
    with pytest.raises(InvalidRequestError, match=r"latin\.txt is not UTF-8 text \(byte 4\)"):
        _read(path)


def test_the_limit_is_inclusive(tmp_path):
    path = tmp_path / "exact.bin"
    path.write_bytes(b"x" * 10)
    assert read_user_bytes(path, max_bytes=10, what="file", error=InvalidRequestError) == b"x" * 10
    with pytest.raises(InvalidRequestError):
        read_user_bytes(path, max_bytes=9, what="file", error=InvalidRequestError)


def test_a_file_studio_wrote_is_not_read_through_a_planted_symlink(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("outside")
    planted = tmp_path / "out" / "manifest.jsonl"
    planted.parent.mkdir()
    planted.symlink_to(secret)
    with pytest.raises(InvalidRequestError, match="symbolic link"):
        read_user_bytes(
            planted,
            max_bytes=100,
            what="manifest",
            error=InvalidRequestError,
            follow_symlinks=False,
        )
    assert read_user_bytes(planted, max_bytes=100, what="spec", error=InvalidRequestError)


def test_outside_json_is_parsed_only_once_its_depth_is_known():
    from studio.domain.json_depth import JsonRefusedError, loads_bounded

    assert loads_bounded('{"a": [1, 2]}', max_depth=2) == {"a": [1, 2]}
    with pytest.raises(JsonRefusedError, match="nests deeper than 2 levels"):
        loads_bounded("[" * 100_000 + "]" * 100_000, max_depth=2)
    with pytest.raises(JsonRefusedError, match="a number too long"):
        loads_bounded("9" * 5000, max_depth=2)
    with pytest.raises(JsonRefusedError, match=r"is not valid JSON \("):
        loads_bounded("{oops", max_depth=2)
