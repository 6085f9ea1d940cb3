"""The launcher's process settings: huge pages for torch, large blocks kept in glibc's heap."""

from __future__ import annotations

import ctypes
import sys

import pytest

from studio import process_tuning


class _FakeMallopt:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []
        self.argtypes = None
        self.restype = None

    def __call__(self, param: int, value: int) -> int:
        self.calls.append((param, value))
        return 1


def test_glibc_keeps_blocks_up_to_the_limit_in_the_heap(monkeypatch: pytest.MonkeyPatch) -> None:
    mallopt = _FakeMallopt()
    monkeypatch.setattr(process_tuning.sys, "platform", "linux")
    libc = type("FakeLibc", (), {"mallopt": mallopt})
    monkeypatch.setattr(process_tuning.ctypes, "CDLL", lambda name: libc)
    assert process_tuning.keep_large_blocks_in_heap(1 << 20)
    assert mallopt.calls == [
        (process_tuning.M_MMAP_THRESHOLD, 1 << 20),
        (process_tuning.M_TRIM_THRESHOLD, 1 << 20),
    ]


def test_other_systems_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(process_tuning.sys, "platform", "darwin")
    assert not process_tuning.keep_large_blocks_in_heap()


def test_a_c_library_without_mallopt_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(process_tuning.sys, "platform", "linux")
    monkeypatch.setattr(process_tuning.ctypes, "CDLL", lambda name: object())
    assert not process_tuning.keep_large_blocks_in_heap()


def test_torch_is_asked_for_huge_pages_unless_the_user_chose(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(process_tuning, "keep_large_blocks_in_heap", lambda: True)
    monkeypatch.delenv("THP_MEM_ALLOC_ENABLE", raising=False)
    assert process_tuning.tune_process()
    assert process_tuning.os.environ["THP_MEM_ALLOC_ENABLE"] == "1"
    monkeypatch.setenv("THP_MEM_ALLOC_ENABLE", "0")
    process_tuning.tune_process()
    assert process_tuning.os.environ["THP_MEM_ALLOC_ENABLE"] == "0"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_this_linux_accepts_the_settings() -> None:
    if not hasattr(ctypes.CDLL(None), "mallopt"):
        pytest.skip("no glibc here")
    assert process_tuning.keep_large_blocks_in_heap()
