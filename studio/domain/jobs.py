"""The one type that crosses into the engine: every kind of job request, as a closed union.

The worker, its facade and the engine protocol carry a :data:`JobRequest`; the engine
dispatches on it with ``match``. A new kind of job adds its request dataclass here, so every
place that must handle it is found by the type checker instead of by a runtime ``isinstance``.
"""

from __future__ import annotations

from typing import TypeAlias, assert_never

from studio.domain.job_kind import JobKind
from studio.domain.requests import GenerationRequest
from studio.domain.style import StyleRequest

JobRequest: TypeAlias = GenerationRequest | StyleRequest


def job_kind(request: JobRequest) -> JobKind:
    """The kind of job a request is (what its results are stored as)."""
    match request:
        case GenerationRequest() | StyleRequest():
            return request.kind
        case _:
            assert_never(request)


__all__ = ["JobKind", "JobRequest", "job_kind"]
