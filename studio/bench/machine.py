"""What a benchmark ran on, and whether its numbers can be trusted (load, spread)."""

from __future__ import annotations

import os
import platform
import statistics
import sys
from collections.abc import Sequence

SPREAD_LIMIT = 0.20  # (max - min) / median above this is not yet a measurement


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> dict[str, object]:
    """CPU, cores, load, Python and (when imported) torch and its threads, for ``--json``."""
    info: dict[str, object] = {
        "cpu": cpu_name(),
        "cores": os.cpu_count(),
        "load_average": _load_average(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    torch = sys.modules.get("torch")
    if torch is not None:
        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    return info


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (OSError, AttributeError):
        return None


def load_warning() -> str | None:
    """A warning when other work is running (one-minute load above the core count)."""
    load, cores = _load_average(), os.cpu_count() or 1
    if load is not None and load > cores:
        return (
            f"warning: the machine is loaded (load average {load:.1f} on {cores} cores); "
            "numbers will be slow and noisy"
        )
    return None


def summary(values: Sequence[float]) -> dict[str, float]:
    """Median, min, max and the spread ``(max - min) / median`` of repeated measurements."""
    median = statistics.median(values)
    low, high = min(values), max(values)
    return {
        "median": median,
        "min": low,
        "max": high,
        "spread": (high - low) / median if median else 0.0,
    }


def timing_summary(values: Sequence[float], digits: int = 4) -> dict[str, float]:
    """:func:`summary` of seconds, rounded for a report (the spread to three places)."""
    stats = summary(values)
    return {key: round(value, 3 if key == "spread" else digits) for key, value in stats.items()}


def spread_warnings(series: dict[str, dict[str, float]]) -> list[str]:
    """The :func:`spread_warning` of every labelled summary in ``series`` that has one."""
    found = (spread_warning(label, stats) for label, stats in series.items())
    return [warning for warning in found if warning]


def spread_warning(label: str, stats: dict[str, float]) -> str | None:
    if stats["spread"] > SPREAD_LIMIT:
        return (
            f"warning: {label} varied by {stats['spread']:.0%} between runs "
            f"(over {SPREAD_LIMIT:.0%}): not yet a measurement, run it again on a quiet machine"
        )
    return None


def progress(text: str) -> None:
    """One progress line on stderr, so stdout stays the result (and --json stays JSON)."""
    print(text, file=sys.stderr, flush=True)
