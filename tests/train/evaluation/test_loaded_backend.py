"""Each evaluated model's backend is unloaded before the next loads, even after a failure."""

from __future__ import annotations

import pytest

from studio.train.evaluation.report import loaded_backend


class _Backend:
    def __init__(self, model_id: str, device: str) -> None:
        self.where = (model_id, device)
        self.unloaded = False

    def unload(self) -> None:
        self.unloaded = True


def test_the_backend_is_unloaded_when_the_block_fails() -> None:
    seen: list[_Backend] = []
    with pytest.raises(RuntimeError), loaded_backend("tiny", "cpu", _Backend) as backend:
        seen.append(backend)
        raise RuntimeError("scoring failed")
    assert seen[0].where == ("tiny", "cpu") and seen[0].unloaded
