"""The fast path: compiled UNet and VAE decoder, same images as eager within a stated tolerance."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio.engine.sd.fast_path import (
    INDUCTOR_CACHE_ENV,
    apply_fast_path,
    eager_modules,
    is_compiled,
)

# Inductor reorders float sums, so pixels may move by a level or two of 255; never more.
PIXEL_TOLERANCE = 2
# The probe compiles on one thread: about 2 minutes alone on two cores, over 15 at a load of 10.
COMPILE_TIMEOUT_S = 1800


@pytest.fixture
def fresh_backend(tiny_sd1_dir: Path, tmp_path: Path, monkeypatch):
    """A backend of its own: the fast path changes the pipeline it is applied to."""
    import torch

    from studio.domain.settings import EngineSettings
    from studio.engine.registry import ModelRegistry
    from studio.engine.sd.diffusers_backend import load_diffusers_backend

    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(INDUCTOR_CACHE_ENV, raising=False)
    info = ModelRegistry(EngineSettings(scan_hf_cache=False)).inspect_path(tiny_sd1_dir)
    backend = load_diffusers_backend(info, torch.device("cpu"), torch.float32)
    yield backend
    backend.unload()


def test_fast_path_compiles_unet_and_decoder_and_caches_in_studios_folder(
    fresh_backend, tmp_path: Path
) -> None:
    import os

    import torch

    pipe = fresh_backend.pipeline
    apply_fast_path(pipe)
    assert is_compiled(pipe.unet) and is_compiled(pipe.vae.decoder)
    assert os.environ[INDUCTOR_CACHE_ENV] == str(tmp_path / "cache" / "inductor")
    conv = pipe.unet._orig_mod.conv_in.weight
    assert conv.is_contiguous(memory_format=torch.channels_last)
    processors = {type(p).__name__ for p in pipe.unet._orig_mod.attn_processors.values()}
    assert processors == {"AttnProcessor2_0"}
    apply_fast_path(pipe)  # a second time wraps nothing twice
    assert not is_compiled(pipe.unet._orig_mod)


def test_eager_modules_unwraps_for_the_block_only(fresh_backend) -> None:
    pipe = fresh_backend.pipeline
    apply_fast_path(pipe)
    compiled_unet, compiled_decoder = pipe.unet, pipe.vae.decoder
    with eager_modules(pipe):
        assert not is_compiled(pipe.unet) and not is_compiled(pipe.vae.decoder)
        assert pipe.unet is compiled_unet._orig_mod  # the same weights, not a copy
    assert pipe.unet is compiled_unet and pipe.vae.decoder is compiled_decoder


@pytest.mark.slow
def test_fast_path_images_equal_eager_within_tolerance(tiny_sd1_dir: Path, tmp_path: Path) -> None:
    # A fresh Python (tests/engine/fast_path_probe.py): inductor's process-wide compile state
    # failed this comparison inside the full suite though it passed alone.
    root = Path(__file__).resolve().parents[2]
    env = {key: value for key, value in os.environ.items() if key != INDUCTOR_CACHE_ENV}
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")])),
        STUDIO_CACHE_DIR=str(tmp_path / "cache"),
        # Compile in the probe's own thread: no pool of compile workers to outlive it.
        TORCHINDUCTOR_COMPILE_THREADS="1",
    )
    done = subprocess.run(
        [sys.executable, "-m", "tests.engine.fast_path_probe", str(tiny_sd1_dir)],
        cwd=root, env=env, capture_output=True, text=True, timeout=COMPILE_TIMEOUT_S, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    difference = json.loads(done.stdout.strip().splitlines()[-1])
    assert difference["max"] <= PIXEL_TOLERANCE
    assert not difference["blank"]


def test_the_fast_path_setting_is_saved_and_a_change_reloads_the_model() -> None:
    from dataclasses import replace

    from studio.domain.settings import EngineSettings
    from studio.engine.residency import ResidentKey, ResidentKind
    from studio.engine.service import EngineService

    settings = EngineSettings(scan_hf_cache=False, fast_path=True)
    assert EngineSettings.from_dict(settings.to_dict()).fast_path is True
    assert EngineSettings.from_dict({"fast_path": "yes"}).fast_path is False  # mistyped: off
    service = EngineService(replace(settings, fast_path=False))
    key = ResidentKey(ResidentKind.GENERATOR, "model")
    service.residency.acquire(key, lambda _room: object())
    service.update_settings(replace(settings, fast_path=False))
    assert service.residency.get(key) is not None  # nothing changed: kept
    service.update_settings(settings)
    assert service.residency.get(key) is None  # loaded eager: reloads on the fast path
