"""Decode fallbacks: NaN retried in float32, out of memory retried in tiles (RELIABILITY 10, 12)."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from studio.domain.errors import OutOfMemoryError
from studio.engine.sd.decoding import NAN_WARNING, LatentDecoder

from .helpers import run_all, tiny_request


class NanInHalfPrecision(torch.nn.Module):
    """A VAE that overflows to NaN in float16, as SDXL's VAE does on real GPUs."""

    def __init__(self, vae, always: bool = False) -> None:
        super().__init__()
        self.inner = vae
        self.config = vae.config
        self.always = always
        self.decoded_in: list[torch.dtype] = []

    def decode(self, latents, return_dict: bool = True):
        dtype = next(self.inner.parameters()).dtype
        self.decoded_in.append(dtype)
        image = self.inner.decode(
            latents.float() if dtype == torch.float32 else latents, return_dict=False
        )[0]
        if self.always or dtype == torch.float16:
            image = torch.full_like(image, float("nan"))
        return (image,)

    def enable_tiling(self) -> None:
        self.inner.enable_tiling()

    def disable_tiling(self) -> None:
        self.inner.disable_tiling()


class OutOfMemoryAbove(torch.nn.Module):
    """A VAE decoder that raises CUDA's out-of-memory error for latents wider than a limit."""

    def __init__(self, decoder: torch.nn.Module, max_side: int) -> None:
        super().__init__()
        self.inner = decoder
        self.max_side = max_side
        self.sides: list[int] = []

    def forward(self, latents, *args, **kwargs):
        side = max(latents.shape[-2:])
        self.sides.append(side)
        if side > self.max_side:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory (simulated)")
        return self.inner(latents, *args, **kwargs)


@pytest.fixture
def vae_copy(sd1_backend):
    return copy.deepcopy(sd1_backend.pipeline.vae)


def test_nan_decode_is_retried_in_float32(vae_copy) -> None:
    latents = torch.randn(1, 4, 8, 8, generator=torch.Generator().manual_seed(0))
    # The float32 retry uses the half-precision weights cast up, so compare against those.
    expected = LatentDecoder(copy.deepcopy(vae_copy).half().float()).decode(latents).pixels
    wrapped = NanInHalfPrecision(vae_copy).to(torch.float16)
    decoder = LatentDecoder(wrapped)
    result = decoder.decode(latents)
    assert wrapped.decoded_in == [torch.float16, torch.float32]
    assert result.warnings == ()
    assert np.array_equal(result.pixels, expected)
    assert next(wrapped.parameters()).dtype == torch.float16  # cast back for the next job
    decoder.decode(latents)
    assert wrapped.decoded_in[-1] == torch.float32  # remembered: straight to float32


def test_nan_that_float32_cannot_fix_is_reported_never_silent(vae_copy) -> None:
    decoder = LatentDecoder(NanInHalfPrecision(vae_copy, always=True))
    result = decoder.decode(torch.randn(1, 4, 8, 8))
    assert result.warnings == (NAN_WARNING,)
    assert result.pixels.max() == 0


def test_nan_latents_are_reported(vae_copy) -> None:
    result = LatentDecoder(vae_copy).decode(torch.full((1, 4, 8, 8), float("nan")))
    assert NAN_WARNING in result.warnings


def test_out_of_memory_decode_retries_in_tiles(vae_copy) -> None:
    latents = torch.randn(1, 4, 16, 16)
    fake = OutOfMemoryAbove(vae_copy.decoder, max_side=8)
    vae_copy.decoder = fake
    result = LatentDecoder(vae_copy).decode(latents)
    assert result.pixels.shape == (128, 128, 3)
    assert fake.sides[0] == 16 and max(fake.sides[1:]) <= 8
    assert not vae_copy.use_tiling  # tiling was only for the retry


def test_out_of_memory_even_in_tiles_is_a_clear_error(vae_copy) -> None:
    vae_copy.decoder = OutOfMemoryAbove(vae_copy.decoder, max_side=2)
    with pytest.raises(OutOfMemoryError, match="smaller size"):
        LatentDecoder(vae_copy).decode(torch.randn(1, 4, 16, 16))


def test_job_survives_decode_oom_and_next_job_works(sd1_backend) -> None:
    vae = sd1_backend.pipeline.vae
    real_decoder = vae.decoder
    try:
        vae.decoder = OutOfMemoryAbove(real_decoder, max_side=8)
        (tiled,) = run_all(sd1_backend, tiny_request(width=128, height=128, steps=1))
        assert tiled.pixels.shape == (128, 128, 3)
        vae.decoder = OutOfMemoryAbove(real_decoder, max_side=2)
        with pytest.raises(OutOfMemoryError):
            run_all(sd1_backend, tiny_request(width=128, height=128, steps=1))
    finally:
        vae.decoder = real_decoder
    (image,) = run_all(sd1_backend, tiny_request(steps=1))
    assert image.pixels.shape == (64, 64, 3)


def test_sampling_oom_retries_once_with_attention_slicing(sd1_backend) -> None:
    unet = sd1_backend.pipeline.unet
    calls = {"n": 0}
    real_forward = unet.forward

    def flaky_forward(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory (simulated)")
        return real_forward(*args, **kwargs)

    unet.forward = flaky_forward
    try:
        (image,) = run_all(sd1_backend, tiny_request(steps=2))
    finally:
        del unet.forward
    assert image.pixels.shape == (64, 64, 3) and calls["n"] == 3


def test_backend_reports_a_nan_image(sd1_backend) -> None:
    decoder = sd1_backend._require_decoder()
    real_vae = decoder.vae
    decoder.vae = NanInHalfPrecision(real_vae, always=True)
    try:
        (image,) = run_all(sd1_backend, tiny_request(steps=1))
    finally:
        decoder.vae = real_vae
    assert image.warnings == (NAN_WARNING,)
