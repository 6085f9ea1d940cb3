"""Timing two implementations fairly against each other, for the ``studio bench`` commands."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def interleaved_medians(
    first: Callable[[], Any],
    second: Callable[[], Any],
    repeats: int,
    warmup: int,
    settle_s: float = 0.0,
) -> tuple[float, float]:
    """Median seconds of ``first`` and ``second``, run alternately.

    Alternating makes a change in machine load hit both alike. ``settle_s`` is an untimed
    pause before each timed run, for libraries whose worker threads keep spinning on the cores
    after a call and would otherwise slow down whatever is timed next.
    """
    for _ in range(warmup):
        first()
        second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(max(1, repeats)):
        for run, bucket in ((first, times[0]), (second, times[1])):
            if settle_s:
                time.sleep(settle_s)
            started = time.perf_counter()
            run()
            bucket.append(time.perf_counter() - started)
    return statistics.median(times[0]), statistics.median(times[1])
