"""The benchmarks' shared timer: warm-up untimed, runs alternated, every run kept."""

from __future__ import annotations

from studio.bench import timing


def test_runs_alternate_after_an_untimed_warm_up(monkeypatch) -> None:
    order: list[str] = []
    clock = iter(range(100))
    monkeypatch.setattr(timing.time, "perf_counter", lambda: next(clock))
    first, second = timing.interleaved_runs(
        lambda: order.append("a"), lambda: order.append("b"), repeats=3, warmup=1
    )
    assert order == ["a", "b"] * 4
    assert first == second == [1, 1, 1]  # each run spans one tick of the fake clock


def test_settle_pauses_before_every_timed_run_only(monkeypatch) -> None:
    pauses: list[float] = []
    monkeypatch.setattr(timing.time, "sleep", pauses.append)
    timing.interleaved_runs(lambda: None, lambda: None, repeats=2, warmup=1, settle_s=0.1)
    assert pauses == [0.1] * 4


def test_every_timed_run_is_kept_and_each_pair_is_reported(monkeypatch) -> None:
    clock = iter(range(100))
    monkeypatch.setattr(timing.time, "perf_counter", lambda: next(clock))
    heard: list[tuple[int, int, float, float]] = []
    first, second = timing.interleaved_runs(
        lambda: None, lambda: None, repeats=3, warmup=2, on_pair=lambda *a: heard.append(a)
    )
    assert first == [1, 1, 1] and second == [1, 1, 1]
    assert heard == [(1, 3, 1, 1), (2, 3, 1, 1), (3, 3, 1, 1)]
