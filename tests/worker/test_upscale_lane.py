"""An upscale is a GPU-lane job: the real engine runs it, with progress and its recipe."""

from __future__ import annotations

import json

import numpy as np
import pytest

from studio.domain.settings import EngineSettings
from studio.domain.upscale_request import UpscaleRequest
from studio.imaging.png import png_text_chunks
from studio.worker.facade import EngineFacade, lane_of
from studio.worker.thread import live_threads
from tests.engine.upscale.tiny_esrgan import save_tiny_esrgan

pytest.importorskip("torch")
pytestmark = pytest.mark.timeout(60)
TIMEOUT = 30_000


def test_an_upscale_runs_on_the_gpu_lane(qtbot, tmp_path) -> None:
    from studio.engine.service import EngineService

    model = save_tiny_esrgan(tmp_path)
    request = UpscaleRequest(np.full((8, 8, 4), 90, dtype=np.uint8), model=str(model))
    assert lane_of(request) == "gpu"
    facade = EngineFacade(EngineService(EngineSettings(), device_preference="cpu"))
    progress, images = [], []
    facade.progress.connect(lambda _job, update: progress.append(update))
    facade.image_ready.connect(images.append)
    try:
        with qtbot.waitSignal(facade.finished, timeout=TIMEOUT):
            facade.submit(request)
    finally:
        assert facade.shutdown()
    assert live_threads() == []
    assert images[0].result.kind == "upscale" and images[0].result.image.width == 32
    recipe = json.loads(png_text_chunks(images[0].png)["studio"])
    assert recipe["request_type"] == "UpscaleRequest"
    assert recipe["extra"]["Postprocess upscaler"] == "tiny-esrgan"
    assert any(update.message.startswith("Loading tiny-esrgan") for update in progress)
