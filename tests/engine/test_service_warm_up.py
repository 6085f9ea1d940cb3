"""Warm-up imports the heavy libraries and keeps the garbage collector from pausing the GUI."""

from __future__ import annotations

import gc
import sys

from studio.domain.settings import EngineSettings
from studio.engine.service import EngineService


def test_warm_up_imports_the_engine_and_freezes_its_objects() -> None:
    EngineService(EngineSettings(device="cpu", scan_hf_cache=False)).warm_up()
    assert {"torch", "diffusers", "studio.engine.sd.diffusers_backend"} <= set(sys.modules)
    assert gc.isenabled()
    assert gc.get_freeze_count() > 100_000
