"""The benchmark runs both implementations and reports comparable rows (speed is not asserted)."""

from __future__ import annotations

import pytest

from studio.bench.style import bench_style
from studio.domain.errors import InvalidRequestError


def test_bench_rows_compare_our_port_with_onnxruntime() -> None:
    rows = bench_style(sizes=(64, 96), repeats=1, warmup=0)
    assert [row["size"] for row in rows] == [64, 96]
    for row in rows:
        ours, theirs = row["ours_s"], row["onnxruntime_s"]
        assert 0 < ours["min"] <= ours["median"] <= ours["max"] and theirs["median"] > 0
        assert row["ratio"] == pytest.approx(ours["median"] / theirs["median"], rel=0.01)
        assert row["max_abs_diff"] < 1e-4  # the two timed runs computed the same image


def test_bench_refuses_sizes_the_network_cannot_take() -> None:
    with pytest.raises(InvalidRequestError, match="multiples of 4"):
        bench_style(sizes=(65,))
