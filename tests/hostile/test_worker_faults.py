"""Faults in the GUI path with the real worker: CUDA OOM, NaN decodes, cancel at load and decode.

RELIABILITY 10-12 and 20 through ``EngineFacade`` (the worker QThread) on a real
``EngineService`` with a tiny Stable Diffusion model. Out-of-memory comes from a module that
raises ``torch.cuda.OutOfMemoryError`` above a size, NaN from a VAE that decodes to NaN.
"""

from __future__ import annotations

import pytest

from studio.domain.requests import GenerationRequest
from studio.domain.settings import EngineSettings
from studio.worker.facade import EngineFacade
from tests.engine.test_decoding import NanInHalfPrecision, OutOfMemoryAbove

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]
TIMEOUT = 120_000


@pytest.fixture
def facade(qtbot, tiny_sd1_dir, tmp_path):
    from studio.engine.service import EngineService

    settings = EngineSettings(
        model_paths=(str(tiny_sd1_dir),),
        device="cpu",
        scan_hf_cache=False,
        builtin_models_dir=str(tmp_path / "no-builtins"),
    )
    engine = EngineService(settings)
    facade = EngineFacade(engine)
    facade.engine = engine
    yield facade
    assert facade.shutdown()


def _request(size: int = 64, steps: int = 1) -> GenerationRequest:
    return GenerationRequest("a red fox", width=size, height=size, steps=steps, seed=3)


def _run(qtbot, facade, request):
    images, outcome = [], []
    facade.image_ready.connect(images.append)
    facade.finished.connect(lambda job: outcome.append(("finished", None)))
    facade.failed.connect(lambda job, message: outcome.append(("failed", message)))
    facade.cancelled.connect(lambda job: outcome.append(("cancelled", None)))
    job = facade.submit(request)
    qtbot.waitUntil(lambda: bool(outcome), timeout=TIMEOUT)
    for signal in (facade.image_ready, facade.finished, facade.failed, facade.cancelled):
        signal.disconnect()
    return job, outcome[0], images


def _vae(facade):
    return facade.engine.backend.pipeline.vae


def test_decode_oom_retries_tiled_then_fails_cleanly_and_the_next_job_works(qtbot, facade):
    assert _run(qtbot, facade, _request())[1][0] == "finished"  # loads the model
    vae = _vae(facade)
    real = vae.decoder
    try:
        vae.decoder = OutOfMemoryAbove(real, max_side=8)
        _job, outcome, images = _run(qtbot, facade, _request(128))
        assert outcome[0] == "finished"
        assert images[0].image.pixels.shape == (128, 128, 3)  # decoded in tiles
        vae.decoder = OutOfMemoryAbove(real, max_side=2)
        _job, (kind, message), images = _run(qtbot, facade, _request(128))
        assert kind == "failed" and images == []
        assert "smaller size" in message and "\n" not in message and "Traceback" not in message
    finally:
        vae.decoder = real
    _job, outcome, images = _run(qtbot, facade, _request())
    assert outcome[0] == "finished" and images[0].image.pixels.shape == (64, 64, 3)


def test_a_nan_decode_never_reaches_history_without_a_warning(qtbot, facade):
    assert _run(qtbot, facade, _request())[1][0] == "finished"
    decoder = facade.engine.backend._require_decoder()
    real = decoder.vae
    decoder.vae = NanInHalfPrecision(real, always=True)
    try:
        _job, outcome, images = _run(qtbot, facade, _request())
    finally:
        decoder.vae = real
    assert outcome[0] == "finished"
    (finished,) = images
    assert finished.image.warnings, "a blank image went to history without a warning"
    assert "NaN" in finished.image.warnings[0]


def test_cancel_during_load_adds_nothing_and_the_next_job_runs(qtbot, facade):
    def cancel_while_loading(job, update):
        if update.message.startswith("Loading"):
            facade.cancel(job)

    facade.progress.connect(cancel_while_loading)
    _job, outcome, images = _run(qtbot, facade, _request(steps=2))
    facade.progress.disconnect(cancel_while_loading)
    assert outcome[0] == "cancelled" and images == []
    assert _run(qtbot, facade, _request())[1][0] == "finished"


def test_cancel_during_decode_adds_nothing_and_the_next_job_runs(qtbot, facade):
    import torch

    assert _run(qtbot, facade, _request())[1][0] == "finished"
    vae = _vae(facade)
    real = vae.decoder

    class Decoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = real

        def forward(self, *args, **kwargs):
            facade.cancel()  # sets the job's threading.Event: safe from the worker thread
            return self.inner(*args, **kwargs)

    vae.decoder = Decoder()
    try:
        _job, outcome, images = _run(qtbot, facade, _request())
    finally:
        vae.decoder = real
    assert outcome[0] == "cancelled" and images == []
    assert _run(qtbot, facade, _request())[1][0] == "finished"
