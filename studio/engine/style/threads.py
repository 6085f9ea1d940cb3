"""Use only the CPU cores that are free while a style network runs.

PyTorch splits each operation evenly over its OpenMP threads and waits at the end of each one
for the slowest. When other programs keep some cores busy, the thread that shares a core with
them is descheduled for whole time slices and every operation waits for it: measured here on
two busy cores (load average 7.4), a 256 px image took 2.1 s with two threads and 0.09 s with
one. The intra-op thread count is therefore lowered to the number of idle cores for the
duration of a run, and restored afterwards.

"Busy" must mean busy with *other* programs. The load average counts Studio's own threads too:
right after one style job it reads about 2 on a 2-core machine even when nothing else runs,
and a second job then ran on one thread, at half speed (``studio bench style`` measured our
port 1.8x slower than onnxruntime that way). On Linux the count is therefore taken from the
threads runnable right now (``/proc/loadavg``) minus this process's own runnable threads,
sampled a few times; elsewhere the one-minute load average is the fallback.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import torch

PROC = Path("/proc")
SAMPLES = 3
SAMPLE_GAP_S = 0.001


def idle_cores() -> int | None:
    """Cores not busy with other programs, or ``None`` where that cannot be told."""
    busy = other_runnable_threads()
    if busy is None:
        try:
            busy = os.getloadavg()[0]
        except (AttributeError, OSError):  # Windows has no load average
            return None
    return max(1, round(usable_cores() - busy))


def usable_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS
        return os.cpu_count() or 1


def other_runnable_threads(proc: Path = PROC) -> float | None:
    """Threads of other processes that are running or waiting for a core, right now.

    The median of a few samples a millisecond apart; ``None`` without a Linux ``/proc``.
    """
    samples = []
    for index in range(SAMPLES):
        if index:
            time.sleep(SAMPLE_GAP_S)
        try:
            everyone = int((proc / "loadavg").read_text().split()[3].split("/")[0])
        except (OSError, IndexError, ValueError):
            return None
        samples.append(max(0, everyone - _own_runnable_threads(proc)))
    return statistics.median(samples)


def _own_runnable_threads(proc: Path) -> int:
    count = 0
    for stat in (proc / "self" / "task").glob("*/stat"):
        try:
            # The state follows the parenthesised thread name, which may itself hold spaces.
            state = stat.read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue  # the thread ended while we looked
        count += state == "R"
    return count


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
