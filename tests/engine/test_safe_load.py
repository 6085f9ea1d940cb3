"""Model files are data, never code (RELIABILITY 1-4)."""

from __future__ import annotations

import json
import os
import pickle
import struct
import zipfile
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from studio.domain.errors import DamagedModelError, UnsafeModelError
from studio.engine.safe_load import load_state_dict, read_safetensors_header, read_tensor_numpy


class _CreatesMarker:
    """Unpickling this would run ``open(marker, "w")``: the classic malicious checkpoint."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


class _RunsShell:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.fixture
def good_safetensors(tmp_path: Path) -> Path:
    path = tmp_path / "good.safetensors"
    save_file({"a": torch.arange(6, dtype=torch.float32).reshape(2, 3), "b": torch.ones(4)}, path)
    return path


def _write_header_file(path: Path, header: dict, data: bytes = b"") -> Path:
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + data)
    return path


def test_valid_safetensors_header_lists_tensors(good_safetensors: Path) -> None:
    header = read_safetensors_header(good_safetensors)
    assert header["a"]["shape"] == [2, 3]
    assert read_tensor_numpy(good_safetensors, header, "a").tolist() == [[0, 1, 2], [3, 4, 5]]


def test_safetensors_loads_tensors(good_safetensors: Path) -> None:
    state = load_state_dict(good_safetensors)
    assert set(state) == {"a", "b"}
    assert torch.equal(state["b"], torch.ones(4))


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("too-small", lambda p: p.write_bytes(b"\x01\x00")),
        ("empty", lambda p: p.write_bytes(b"")),
        ("huge-header-length", lambda p: p.write_bytes(struct.pack("<Q", 2**40) + b"{}" * 8)),
        ("header-past-end", lambda p: p.write_bytes(struct.pack("<Q", 500) + b'{"a":1}')),
        ("not-json", lambda p: p.write_bytes(struct.pack("<Q", 4) + b"\xff\xfe{]")),
        ("json-not-object", lambda p: _write_header_file(p, [1, 2, 3])),  # type: ignore[arg-type]
        (
            "offsets-beyond-file",
            lambda p: _write_header_file(
                p, {"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, b"\0" * 8
            ),
        ),
        (
            "wrong-byte-size",
            lambda p: _write_header_file(
                p, {"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 8]}}, b"\0" * 8
            ),
        ),
        (
            "malformed-entry",
            lambda p: _write_header_file(p, {"w": {"dtype": "F32", "shape": "big"}}),
        ),
    ],
)
def test_bad_safetensors_headers_are_damaged(tmp_path: Path, name: str, make) -> None:
    path = tmp_path / f"{name}.safetensors"
    make(path)
    with pytest.raises(DamagedModelError) as caught:
        read_safetensors_header(path)
    message = str(caught.value)
    assert path.name in message and "download it again" in message
    with pytest.raises(DamagedModelError):
        load_state_dict(path)


def test_truncated_safetensors_is_damaged(good_safetensors: Path, tmp_path: Path) -> None:
    data = good_safetensors.read_bytes()
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(data[:-10])
    with pytest.raises(DamagedModelError, match="incomplete"):
        load_state_dict(cut)


def test_zip_renamed_to_safetensors_is_damaged(tmp_path: Path) -> None:
    ckpt = tmp_path / "model.ckpt"
    torch.save({"w": torch.ones(2)}, ckpt)
    renamed = ckpt.rename(tmp_path / "model.safetensors")
    with pytest.raises(DamagedModelError, match="zip"):
        read_safetensors_header(renamed)


def test_plain_ckpt_loads_and_unwraps_state_dict(tmp_path: Path) -> None:
    path = tmp_path / "lightning.ckpt"
    torch.save({"state_dict": {"w": torch.ones(3), "step": 5}, "global_step": 10}, path)
    state = load_state_dict(path)
    assert list(state) == ["w"]  # unwrapped, non-tensors dropped


def test_legacy_pickle_format_loads(tmp_path: Path) -> None:
    path = tmp_path / "old.pt"
    torch.save({"w": torch.zeros(2)}, path, _use_new_zipfile_serialization=False)
    assert torch.equal(load_state_dict(path)["w"], torch.zeros(2))


@pytest.mark.parametrize("payload", [_CreatesMarker, _RunsShell])
@pytest.mark.parametrize("zip_format", [True, False])
def test_malicious_ckpt_is_refused_and_never_runs(tmp_path: Path, payload, zip_format) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.ckpt"
    checkpoint = {"state_dict": {"w": torch.ones(2)}, "payload": payload(marker)}
    if zip_format:
        torch.save(checkpoint, path)
    else:
        path.write_bytes(pickle.dumps(checkpoint))
    assert not marker.exists()
    with pytest.raises(UnsafeModelError) as caught:
        load_state_dict(path)
    assert "contains code" in str(caught.value) and "safetensors" in str(caught.value)
    assert not marker.exists()


@pytest.mark.parametrize("zip_format", [True, False])
def test_truncated_ckpt_is_damaged_not_unsafe(tmp_path: Path, zip_format: bool) -> None:
    whole = tmp_path / "whole.ckpt"
    torch.save({"w": torch.ones(1000)}, whole, _use_new_zipfile_serialization=zip_format)
    cut = tmp_path / "cut.ckpt"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(DamagedModelError) as caught:
        load_state_dict(cut)
    assert not isinstance(caught.value, UnsafeModelError)
    assert "download it again" in str(caught.value)


def test_random_bytes_ckpt_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "noise.ckpt"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(DamagedModelError):
        load_state_dict(path)


def test_zip_without_pickle_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "photos.ckpt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a model")
    with pytest.raises(DamagedModelError):
        load_state_dict(path)


def test_every_torch_load_goes_through_safe_load() -> None:
    """One loader of pickles: its checks (special files, weights_only, why refused) hold."""
    import ast

    root = Path(__file__).resolve().parents[2] / "studio"
    callers = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = node.func if isinstance(node, ast.Call) else None
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "load"
                and isinstance(func.value, ast.Name)
                and func.value.id == "torch"
            ):
                callers.append(str(path.relative_to(root)))
    assert callers == ["engine/safe_load.py"]


@pytest.mark.timeout(20)
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
def test_a_fifo_as_loss_network_weights_is_refused_before_opening(tmp_path: Path) -> None:
    from studio.engine.efficientnet import load_weights_only

    path = tmp_path / "vgg19.pth"
    os.mkfifo(path)  # torch.load on it would wait forever for a writer
    with pytest.raises(DamagedModelError, match=r"vgg19\.pth could not be loaded safely"):
        load_weights_only(path)
