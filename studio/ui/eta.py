"""Time-left estimate for the status bar, from the pace of recent progress events."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class EtaEstimator:
    """Estimates seconds left from a sliding window of (time, step) samples.

    A window rather than the whole run: model loading makes the first steps slow, and the
    estimate should follow the sampling pace once it settles.
    """

    def __init__(self, window: int = 12, clock: Callable[[], float] = time.monotonic) -> None:
        self._samples: deque[tuple[float, int]] = deque(maxlen=window)
        self._clock = clock

    def reset(self) -> None:
        self._samples.clear()

    def update(self, step: int, total: int) -> float | None:
        """Record progress; return the seconds left, or None until two samples exist."""
        now = self._clock()
        if self._samples and step < self._samples[-1][1]:
            self._samples.clear()  # a new job or a new phase restarted the count
        self._samples.append((now, step))
        if len(self._samples) < 2 or total <= 0:
            return None
        (t0, s0), (t1, s1) = self._samples[0], self._samples[-1]
        if s1 <= s0 or t1 <= t0:
            return None
        rate = (s1 - s0) / (t1 - t0)
        return max(0.0, (total - s1) / rate)


def format_seconds(seconds: float | None) -> str:
    """``"12 s left"``, ``"3 min 5 s left"``, or empty when unknown."""
    if seconds is None:
        return ""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s left"
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s left"
