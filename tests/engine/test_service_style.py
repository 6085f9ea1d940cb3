"""The engine service runs style jobs and lists preset styles with thumbnails."""

from __future__ import annotations

import threading

import numpy as np

from studio.domain.results import GeneratedImage
from studio.domain.settings import EngineSettings
from studio.domain.style import StyleRequest
from studio.engine.residency import ResidentKind
from studio.engine.service import EngineService
from studio.imaging.png import encode_png


def test_style_requests_run_through_the_service(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    service = EngineService(EngineSettings(device="cpu", scan_hf_cache=False))
    rng = np.random.default_rng(0)
    source = encode_png(rng.integers(0, 256, (40, 48, 4), dtype=np.uint8))
    events = []
    images = list(
        service.run(
            StyleRequest(source=source, presets=(3,), strength=0.5),
            events.append,
            threading.Event(),
        )
    )
    # The preset network stayed warm for the next job, in the engine's own residency cache.
    assert service.residency.resident(ResidentKind.STYLE_NETWORK)
    service.close()
    assert len(service.residency) == 0  # and closing the engine let it go
    assert len(images) == 1 and isinstance(images[0], GeneratedImage)
    assert images[0].kind == "style" and images[0].pixels.shape == (40, 48, 4)
    assert events and events[-1].step == events[-1].total


def test_style_presets_come_with_cached_thumbnails(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    presets = EngineService(EngineSettings(scan_hf_cache=False)).style_presets()
    assert [index for index, _name, _png in presets] == list(range(26))
    assert all(png and png.startswith(b"\x89PNG") for _i, _n, png in presets)
    again = EngineService(EngineSettings(scan_hf_cache=False)).style_presets()
    assert again == presets
