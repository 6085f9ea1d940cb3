"""CPU jobs run on idle cores only, on no more threads than their tensors need, and restore."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from studio.engine import thread_policy as threads


def test_thread_count_drops_to_idle_cores_and_is_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threads, "idle_cores", lambda: 1)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        with threads.job_threads(torch.device("cpu")):
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_unknown_load_and_other_devices_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threads, "idle_cores", lambda: None)
    before = torch.get_num_threads()
    with threads.job_threads(torch.device("cpu")):
        assert torch.get_num_threads() == before
    monkeypatch.setattr(threads, "idle_cores", lambda: 1)
    with threads.job_threads(torch.device("meta")):
        assert torch.get_num_threads() == before


def _fake_proc(root: Path, runnable: int, own_states: list[str]) -> Path:
    (root / "self" / "task").mkdir(parents=True)
    (root / "loadavg").write_text(f"1.90 1.50 1.20 {runnable}/300 4242\n")
    for tid, state in enumerate(own_states, start=100):
        (root / "self" / "task" / str(tid)).mkdir()
        # A thread name with a space and a parenthesis, as Qt and torch threads can have.
        (root / "self" / "task" / str(tid) / "stat").write_text(f"{tid} (pool (1) x) {state} 1 2 3")
    return root


def test_our_own_threads_do_not_count_as_busy_cores(tmp_path: Path) -> None:
    # Three runnable threads on the machine, two of them ours: one other program is busy.
    proc = _fake_proc(tmp_path, runnable=3, own_states=["R", "S", "R", "S"])
    assert threads.other_runnable_threads(proc) == 1


def test_idle_cores_subtract_other_programs_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threads, "usable_cores", lambda: 8)
    monkeypatch.setattr(threads, "other_runnable_threads", lambda: 3)
    assert threads.idle_cores() == 5
    monkeypatch.setattr(threads, "other_runnable_threads", lambda: 30)
    assert threads.idle_cores() == 1
    monkeypatch.setattr(threads, "other_runnable_threads", lambda: 0)
    assert threads.idle_cores() == 8


def test_without_proc_the_load_average_is_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert threads.other_runnable_threads(tmp_path / "missing") is None
    monkeypatch.setattr(threads, "other_runnable_threads", lambda: None)
    monkeypatch.setattr(threads, "usable_cores", lambda: 8)
    monkeypatch.setattr(threads.os, "getloadavg", lambda: (2.6, 0.0, 0.0))
    assert threads.idle_cores() == 5


def test_this_machine_reports_a_usable_count() -> None:
    idle = threads.idle_cores()
    assert idle is None or 1 <= idle <= threads.usable_cores()


@pytest.mark.parametrize(
    ("available", "idle", "work", "expected"),
    [
        (8, 8, 100, 1),  # a tiny tensor: splitting costs more than it saves
        (8, 8, 3 * threads.ELEMENTS_PER_THREAD, 3),  # as many threads as the work can use
        (8, 8, None, 8),  # unknown work counts as large
        (8, 2, 10**9, 2),  # large work on a busy machine: the idle cores only
        (2, 8, 10**9, 2),  # never more than torch was given
        (4, None, 10**9, 4),  # unknown load
        (4, 1, 0, 1),  # at least one thread
    ],
)
def test_threads_follow_the_load_and_the_work_size(
    available: int, idle: int | None, work: int | None, expected: int
) -> None:
    assert threads.choose_threads(available, idle, work) == expected


def test_a_tiny_job_on_an_idle_machine_runs_on_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threads, "idle_cores", lambda: 8)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        with threads.job_threads(torch.device("cpu"), work=1000) as chosen:
            assert chosen == 1 == torch.get_num_threads()
        with threads.job_threads(torch.device("cpu"), work=10**7) as chosen:
            assert chosen == 2 == torch.get_num_threads()
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_a_watch_records_each_job_and_may_fix_the_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threads, "idle_cores", lambda: 1)
    cpu = torch.device("cpu")
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        with threads.watching_threads() as seen, threads.job_threads(cpu, work=10**7):
            pass
        with threads.watching_threads(fixed=2) as fixed, threads.job_threads(cpu, work=10):
            assert torch.get_num_threads() == 2
        assert (seen.chosen, fixed.chosen) == ([1], [2])
        # Outside a watch nothing is recorded or fixed.
        with threads.job_threads(cpu, work=10**7) as chosen:
            assert chosen == 1
        assert (seen.chosen, fixed.chosen) == ([1], [2])
    finally:
        torch.set_num_threads(before)
