"""CPU runs use only idle cores and give the thread count back afterwards."""

from __future__ import annotations

import pytest
import torch

from studio.engine.style import threads


def test_thread_count_drops_to_idle_cores_and_is_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threads, "idle_cores", lambda: 1)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        with threads.threads_for_idle_cores(torch.device("cpu")):
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_unknown_load_and_other_devices_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threads, "idle_cores", lambda: None)
    before = torch.get_num_threads()
    with threads.threads_for_idle_cores(torch.device("cpu")):
        assert torch.get_num_threads() == before
    monkeypatch.setattr(threads, "idle_cores", lambda: 1)
    with threads.threads_for_idle_cores(torch.device("meta")):
        assert torch.get_num_threads() == before


def test_idle_cores_counts_from_the_load_average(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threads.os, "getloadavg", lambda: (2.6, 0.0, 0.0))
    monkeypatch.setattr(threads.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3, 4, 5, 6, 7})
    assert threads.idle_cores() == 5
    monkeypatch.setattr(threads.os, "getloadavg", lambda: (30.0, 0.0, 0.0))
    assert threads.idle_cores() == 1
