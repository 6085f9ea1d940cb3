"""Use only the CPU cores that are free while a style network runs.

PyTorch splits each operation evenly over its OpenMP threads and waits at the end of each one
for the slowest. When other programs keep some cores busy, the thread that shares a core with
them is descheduled for whole time slices and every operation waits for it: measured here on
two busy cores (load average 7.4), a 256 px image took 2.1 s with two threads and 0.09 s with
one. The intra-op thread count is therefore lowered to the number of idle cores (from the
one-minute load average) for the duration of a run, and restored afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import torch


def idle_cores() -> int | None:
    """Cores not busy with other work, or ``None`` where the load average is unknown."""
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # Windows has no load average
        return None
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS
        cores = os.cpu_count() or 1
    return max(1, round(cores - load))


@contextmanager
def threads_for_idle_cores(device: torch.device) -> Iterator[None]:
    """Within the block, run CPU work on at most as many threads as there are idle cores."""
    if device.type != "cpu":
        yield
        return
    current = torch.get_num_threads()
    idle = idle_cores()
    wanted = current if idle is None else min(current, idle)
    if wanted == current:
        yield
        return
    torch.set_num_threads(wanted)
    try:
        yield
    finally:
        torch.set_num_threads(current)
