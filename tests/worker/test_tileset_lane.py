"""A tile-set export is a job of its own kind on the CPU lane, like a sprite-sheet export."""

from __future__ import annotations

from pathlib import Path

from studio.domain.export_requests import TilesetRequest
from studio.domain.jobs import JobKind, job_kind
from studio.worker.facade import lane_of


def test_a_tileset_request_runs_on_the_cpu_lane_as_its_own_kind() -> None:
    request = TilesetRequest(Path("out"), ())
    assert lane_of(request) == "cpu"
    assert job_kind(request) == JobKind.TILESET == "tileset"
