"""The packaged all-MiniLM-L6-v2: loads offline, frozen, and takes any text without raising."""

from __future__ import annotations

import pytest
import torch

from studio.engine.builtin.text_encoder import (
    EMBED_DIM,
    MAX_TOKENS,
    TextEncoder,
    packaged_model_dir,
)


@pytest.fixture(scope="module")
def encoder() -> TextEncoder:
    return TextEncoder.load("cpu")


def test_loads_from_the_package_with_the_network_blocked(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("the text encoder tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    loaded = TextEncoder.load("cpu")
    assert (packaged_model_dir() / "model.safetensors").is_file()
    assert loaded.encode(["a red heart"]).pooled.shape == (1, EMBED_DIM)


def test_model_is_frozen_in_eval_mode(encoder):
    model = encoder._model
    assert not model.training
    assert not any(p.requires_grad for p in model.parameters())


def test_shapes_mask_and_normalised_pooled_vectors(encoder):
    out = encoder.encode(["red heart", "a small green frog sitting on a lily pad, pixel art"])
    assert out.pooled.shape == (2, EMBED_DIM)
    length = out.tokens.shape[1]
    assert out.tokens.shape == (2, length, EMBED_DIM) and length <= MAX_TOKENS
    assert out.mask.shape == (2, length) and out.mask.dtype == torch.bool
    assert out.mask[0].sum() < out.mask[1].sum()  # the short prompt is padded
    assert torch.allclose(out.pooled.norm(dim=-1), torch.ones(2), atol=1e-4)
    assert out.truncated == (False, False)


def test_similar_prompts_are_closer_than_unrelated_ones(encoder):
    pooled = encoder.encode(["red heart", "crimson heart, love", "pixel art sword"]).pooled
    assert pooled[0] @ pooled[1] > pooled[0] @ pooled[2]


def test_same_text_gives_the_same_vector(encoder):
    first = encoder.encode(["blue potion"]).pooled
    second = encoder.encode(["blue potion", "something else entirely"]).pooled[:1]
    assert torch.allclose(first, second, atol=1e-5)


@pytest.mark.parametrize(
    "prompt",
    [
        "",
        "   ",
        "🐉" * 200,
        "قلب أحمر",  # RTL
        "red\x00heart",
        "lone \ud800 surrogate",
        "word " * 300,
    ],
)
def test_odd_prompts_never_raise(encoder, prompt):
    out = encoder.encode([prompt])
    assert out.pooled.shape == (1, EMBED_DIM)
    assert torch.isfinite(out.pooled).all()
    assert out.mask[0].any()  # at least the special tokens


def test_long_prompts_are_reported_as_truncated(encoder):
    out = encoder.encode(["word " * 100, "short"])
    assert out.truncated == (True, False)
    assert out.tokens.shape[1] == MAX_TOKENS
