"""Timing two implementations fairly against each other, for the ``studio bench`` commands."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

# Told after each timed pair: (pair number from 1, pairs in all, first's seconds, second's).
PairReport = Callable[[int, int, float, float], None]


def interleaved_runs(
    first: Callable[[], Any],
    second: Callable[[], Any],
    repeats: int,
    warmup: int,
    settle_s: float = 0.0,
    on_pair: PairReport | None = None,
) -> tuple[list[float], list[float]]:
    """Seconds of every timed run of ``first`` and ``second``, run alternately.

    Alternating makes a change in machine load hit both alike. ``settle_s`` is an untimed
    pause before each timed run, for libraries whose worker threads keep spinning on the cores
    after a call and would otherwise slow down whatever is timed next. ``on_pair`` hears of
    each timed pair as it ends (benchmarks print progress with it).
    """
    for _ in range(warmup):
        first()
        second()
    times: tuple[list[float], list[float]] = ([], [])
    pairs = max(1, repeats)
    for pair in range(1, pairs + 1):
        for run, bucket in ((first, times[0]), (second, times[1])):
            if settle_s:
                time.sleep(settle_s)
            started = time.perf_counter()
            run()
            bucket.append(time.perf_counter() - started)
        if on_pair is not None:
            on_pair(pair, pairs, times[0][-1], times[1][-1])
    return times


def cpu_timed(run: Callable[[], Any], seconds: list[float]) -> Callable[[], None]:
    """``run``, adding the process's CPU seconds of each call to ``seconds``."""

    def timed() -> None:
        started = time.process_time()
        run()
        seconds.append(time.process_time() - started)

    return timed


def seconds_of(run: Callable[[], Any]) -> float:
    """Wall seconds of one call of ``run``."""
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def median_ratio(ours: dict[str, float], theirs: dict[str, float]) -> float:
    """Ours over theirs, of the medians."""
    return round(ours["median"] / theirs["median"], 3) if theirs["median"] > 0 else float("nan")
