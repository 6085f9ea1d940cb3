"""Fixtures for the built-in model tests: tiny random models of every family, saved locally.

Each family is built from a config a few channels wide at 16 px, seeded, and saved with
``save_pretrained`` into a session folder; nothing is downloaded. The MiniLM encoder ships in
a package and is loaded once per session.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

FAMILIES = ("vae", "gan", "ar", "diffusion")


def builtin_tiny_model(family: str, seed: int = 0):
    """A seeded, randomly initialised tiny model of ``family`` (16 px, few channels).

    Zero-initialised layers (residual branches, output convolutions) get small random weights
    too, so the prompt and the guidance visibly change the output of an untrained model.
    """
    model = _tiny_model(family, seed)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(0.1 * torch.randn(parameter.shape, generator=generator))
    return model


def _tiny_model(family: str, seed: int):
    from studio.engine.builtin.ar import ARConfig, SpriteAR
    from studio.engine.builtin.diffusion import DiffusionConfig, SpriteDiffusion
    from studio.engine.builtin.gan import GANConfig, SpriteGAN
    from studio.engine.builtin.vae import SpriteVAE, VAEConfig
    from studio.engine.builtin.vq import VQConfig

    torch.manual_seed(seed)
    small = {"sample_size": 16, "context_dim": 16, "emb_dim": 16, "heads": 2}
    decoder = {"channels": (16, 16, 8), "cross_attention": (True, True, False)}
    if family == "vae":  # retrieval-augmented, like the shipped default
        return SpriteVAE(VAEConfig(latent_dim=8, reference_channels=4, **decoder, **small))
    if family == "gan":
        return SpriteGAN(GANConfig(latent_dim=8, **decoder, **small))
    if family == "ar":
        vq = VQConfig(sample_size=16, channels=(8, 16, 16), codebook_size=16, code_dim=4)
        return SpriteAR(ARConfig(vq=vq, d_model=16, layers=1, heads=2))
    return SpriteDiffusion(
        DiffusionConfig(
            channels=(8, 16), cross_attention=(False, True), self_attention=(False, True), **small
        )
    )


@pytest.fixture(autouse=True)
def _builtin_single_thread():
    # Tiny models: one thread is faster than two that wait on each other on a busy machine.
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="session")
def builtin_encoder():
    """The packaged MiniLM text encoder on the CPU."""
    from studio.engine.builtin.text_encoder import TextEncoder

    return TextEncoder.load("cpu")


BANK_CONCEPTS = ("heart", "sword", "health potion", "dragon")
BANK_SOURCES = ("fluent3d", "fluentflat", "noto", "gameicons")


def write_tiny_bank(folder: Path, encoder, size: int = 16, detail: bool = False) -> Path:
    """A ``reference_bank.npz`` of two random icons per concept, in the shipped layout.

    With ``detail`` the icons are also stored at twice the size (a sharp pattern each).
    """
    from studio.engine.builtin.reference_bank import BANK_NAME

    rng = np.random.default_rng(0)
    count = 2 * len(BANK_CONCEPTS)
    images = rng.integers(0, 256, (count, size, size, 4), dtype=np.uint8)
    images[:, : size // 4] = 0  # a transparent band, as icons have
    pooled = encoder.encode(list(BANK_CONCEPTS)).pooled.float().numpy()
    pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
    scales = np.abs(pooled).max(axis=1) / 127.0
    extra = {}
    if detail:
        extra["detail"] = rng.integers(0, 256, (count, 2 * size, 2 * size, 4), dtype=np.uint8)
    np.savez_compressed(
        folder / BANK_NAME,
        **extra,
        images=images,
        concept=np.repeat(np.arange(len(BANK_CONCEPTS), dtype=np.int32), 2),
        source=np.array([0, 3] * len(BANK_CONCEPTS), dtype=np.int8),
        keys=np.array([f"test:{i}" for i in range(count)]),
        concepts=np.array(BANK_CONCEPTS),
        sources=np.array(BANK_SOURCES),
        vectors=np.round(pooled / scales[:, None]).astype(np.int8),
        scales=scales.astype(np.float32),
    )
    return folder / BANK_NAME


@pytest.fixture(scope="session")
def builtin_model_dirs(
    tmp_path_factory: pytest.TempPathFactory, builtin_encoder
) -> dict[str, Path]:
    """One saved tiny model folder per family (session-wide: do not modify them).

    The VAE's folder has an icon bank, as the shipped retrieval-augmented default has.
    """
    root = tmp_path_factory.mktemp("builtin-models")
    folders = {
        family: builtin_tiny_model(family).save_pretrained(
            root / f"tiny-{family}", manifest={"name": f"tiny-{family}", "image_size": 32}
        )
        for family in FAMILIES
    }
    write_tiny_bank(folders["vae"], builtin_encoder)
    return folders


@pytest.fixture
def builtin_backend_for(builtin_model_dirs, builtin_encoder):
    """Build a fresh backend for a family, sharing the session's text encoder."""
    from studio.engine.builtin import discover_builtin_models
    from studio.engine.builtin.backend import BuiltinBackend
    from studio.engine.builtin.families import model_class
    from studio.engine.builtin.reference_bank import ReferenceBank
    from studio.engine.builtin.torch_sampler import TorchSampler

    def build(family: str) -> BuiltinBackend:
        folder = builtin_model_dirs[family]
        info = next(i for i in discover_builtin_models(folder.parent) if i.location == str(folder))
        network = model_class(family).from_pretrained(folder)
        bank = ReferenceBank.load(folder) if family == "vae" else None
        sampler = TorchSampler(network, builtin_encoder, bank)
        return BuiltinBackend(info, sampler, model_hash="test")

    return build
