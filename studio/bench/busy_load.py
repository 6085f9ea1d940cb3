"""Busy-loop processes beside a benchmark: the "other work is running" case, made on purpose.

``studio bench builtin --load N`` measures the built-in models while ``N`` processes spin on
the CPU, as the helpers, trainings and browsers of a real machine do. Each is a separate Python
process (not a thread of ours), so the thread policy counts it as another program's work.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

SPIN = "while True:\n    pass\n"
STOP_TIMEOUT_S = 5.0


@contextmanager
def busy_processes(count: int) -> Iterator[list[int]]:
    """Within the block, ``count`` processes each keep one core busy; yields their ids.

    Every process is stopped (and reaped) when the block ends, also on an error.
    """
    started: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(max(0, count)):
            started.append(
                subprocess.Popen(
                    [sys.executable, "-c", SPIN],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        yield [process.pid for process in started]
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
