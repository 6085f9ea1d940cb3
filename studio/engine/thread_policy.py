"""How many CPU threads a torch job runs on: no more than the idle cores, nor than its work uses.

PyTorch splits each operation evenly over its OpenMP threads and waits at the end of each one
for the slowest. When other programs keep some cores busy, the thread that shares a core with
them is descheduled for whole time slices and every operation waits for it: measured here on
two busy cores (load average 7.4), a 256 px style image took 2.1 s with two threads and 0.09 s
with one, and builtin-diffusion four sprites in 124 s with torch's default threads against 11 s
with one. Splitting also costs a hand-off per operation, which a small tensor never earns back:
on this 2-core machine a 3x3 convolution of 64 channels over 8192 output elements took 0.32 ms
on one thread and 0.93 ms on two; over 32768 elements two threads won (0.62 against 0.43 ms).

So a job runs on ``min(torch's threads, idle cores, work // ELEMENTS_PER_THREAD)`` threads, at
least one, set when the job starts and restored when it ends. The built-in models draw the
same pixels on one thread and on two (checked on the shipped AR and diffusion weights, and by
``tests/engine/builtin/test_builtin_threads.py``), so the recipe does not record the count.

"Busy" must mean busy with *other* programs. The load average counts Studio's own threads too:
right after one job it reads about 2 on a 2-core machine even when nothing else runs, and the
next job then ran on one thread, at half speed (``studio bench style`` measured our port 1.8x
slower than onnxruntime that way). On Linux the count is therefore taken from the threads
runnable right now (``/proc/loadavg``) minus this process's own runnable threads, sampled a few
times; elsewhere the one-minute load average is the fallback.

This module imports torch only when a job asks for threads, so the numpy runtime may use it.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

PROC = Path("/proc")
SAMPLES = 3
SAMPLE_GAP_S = 0.001
# Output elements one more thread needs before splitting an operation pays (see the docstring).
ELEMENTS_PER_THREAD = 16_384


@dataclass
class ThreadWatch:
    """What :func:`watching_threads` saw: the thread count of every job, in order.

    ``fixed`` (when set) replaces the policy's choice, so a benchmark can run the same job on
    torch's default threads beside the policy's.
    """

    fixed: int | None = None
    chosen: list[int] = field(default_factory=list)


_WATCH: ContextVar[ThreadWatch | None] = ContextVar("studio_thread_watch", default=None)


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


def choose_threads(available: int, idle: int | None, work: int | None) -> int:
    """Threads for a job: at most ``available``, the ``idle`` cores and what ``work`` can use.

    Parameters
    ----------
    available
        Torch's intra-op threads now (its default: one per core, or ``OMP_NUM_THREADS``).
    idle
        Cores free of other programs (:func:`idle_cores`), ``None`` when unknown.
    work
        Output elements of the job's typical operation, ``None`` when unknown (large).

    Returns
    -------
    int
        A thread count from 1 to ``available``.
    """
    wanted = available
    if idle is not None:
        wanted = min(wanted, idle)
    if work is not None:
        wanted = min(wanted, work // ELEMENTS_PER_THREAD)
    return max(1, wanted)


@contextmanager
def job_threads(device: torch.device, work: int | None = None) -> Iterator[int]:
    """Within the block, run CPU work on :func:`choose_threads` threads; yield the count.

    The count torch had is restored afterwards. On another device nothing changes (the CPU
    only feeds the accelerator) and the current count is yielded.
    """
    import torch

    current = torch.get_num_threads()
    if device.type != "cpu":
        yield current
        return
    watch = _WATCH.get()
    if watch is not None and watch.fixed is not None:
        wanted = watch.fixed
    else:
        wanted = choose_threads(current, idle_cores(), work)
    if watch is not None:
        watch.chosen.append(wanted)
    if wanted == current:
        yield current
        return
    torch.set_num_threads(wanted)
    try:
        yield wanted
    finally:
        torch.set_num_threads(current)


@contextmanager
def watching_threads(fixed: int | None = None) -> Iterator[ThreadWatch]:
    """Record the threads of every job run in this context (and run them on ``fixed``)."""
    watch = ThreadWatch(fixed)
    token = _WATCH.set(watch)
    try:
        yield watch
    finally:
        _WATCH.reset(token)
