"""The default built-in model in models/ works on a fresh, offline install."""

from __future__ import annotations

import socket
import threading

import numpy as np
import pytest

from studio.domain.requests import GenerationRequest
from studio.engine.builtin import default_models_dir, discover_builtin_models, read_manifest

SHIPPED = discover_builtin_models(default_models_dir())
FAMILIES = ("vae", "gan", "ar", "diffusion")


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a built-in model tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.skipif(not SHIPPED, reason="no built-in models in models/ yet")
def test_default_model_draws_a_transparent_heart_offline(no_network) -> None:
    from pathlib import Path

    from studio.engine.builtin.loader import load_builtin_backend

    default = SHIPPED[0]
    assert read_manifest(Path(default.location))["default"] is True
    backend = load_builtin_backend(default, "cpu")
    try:
        request = GenerationRequest("a red heart icon", width=64, height=64, seed=1, steps=20)
        image = next(iter(backend.generate(request, lambda update: None, threading.Event())))
    finally:
        backend.unload()
    pixels = image.pixels
    assert pixels.shape == (64, 64, 4) and pixels.dtype == np.uint8
    assert len(np.unique(pixels.reshape(-1, 4), axis=0)) > 10  # not a constant image
    alpha = pixels[..., 3]
    assert (alpha < 255).any() and (alpha > 0).any()  # real transparency around a shape
    assert (pixels[..., :3][alpha == 0] == 0).all()


@pytest.mark.skipif(not SHIPPED, reason="no built-in models in models/ yet")
def test_models_folder_ships_every_family_once_within_60_mb() -> None:
    from pathlib import Path

    manifests = [read_manifest(Path(info.location)) for info in SHIPPED]
    assert sorted(m["family"] for m in manifests) == sorted(FAMILIES)
    assert sorted(info.id for info in SHIPPED) == sorted(f"builtin-{f}" for f in FAMILIES)
    assert sum(1 for m in manifests if m.get("default")) == 1
    assert sum(info.size_bytes for info in SHIPPED) <= 60 * 1024 * 1024
    for info in SHIPPED:
        folder = Path(info.location)
        assert (folder / "MODEL_CARD.md").is_file() and (folder / "ATTRIBUTION.md").is_file()


def test_each_family_offers_only_the_settings_it_reads() -> None:
    controls = {info.id: info.controls for info in discover_builtin_models()}
    assert controls == {
        "builtin-vae": (),
        "builtin-gan": (),
        "builtin-ar": ("cfg",),
        "builtin-diffusion": ("sampler", "steps", "cfg"),
    }
