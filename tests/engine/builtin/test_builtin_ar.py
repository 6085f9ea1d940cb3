"""The autoregressive family: cached sampling matches the teacher-forced transformer."""

from __future__ import annotations

import torch

from studio.engine.builtin.ar import nucleus
from studio.engine.builtin.text_encoder import TextEmbedding
from tests.engine.builtin.conftest import builtin_tiny_model


def test_cached_step_logits_equal_teacher_forced_logits() -> None:
    model = builtin_tiny_model("ar").eval()
    tokens = torch.randn(1, 3, 384, generator=torch.Generator().manual_seed(0))
    text = TextEmbedding(tokens.mean(1), tokens, torch.ones(1, 3, dtype=torch.bool))
    cond = model.text(text)
    length = model.config.vq.grid_size**2
    sequence = torch.randint(model.config.vq.codebook_size, (1, length))
    with torch.no_grad():
        full = model.prior(sequence, cond)
        cache = model.prior.new_cache()
        stepped = [model.prior.step(None, 0, cond, cache)]
        for position in range(1, length):
            stepped.append(model.prior.step(sequence[:, position - 1], position, cond, cache))
    assert torch.allclose(full[0], torch.cat(stepped), atol=1e-5)


def test_nucleus_keeps_the_smallest_set_reaching_top_p() -> None:
    probs = torch.tensor([0.5, 0.3, 0.15, 0.05])
    kept = nucleus(probs, 0.75)
    assert torch.allclose(kept, torch.tensor([0.625, 0.375, 0.0, 0.0]))
    assert torch.equal(nucleus(probs, 1.0), probs)


def test_vq_round_trip_shapes() -> None:
    model = builtin_tiny_model("ar").eval()
    images = torch.rand(2, 4, 16, 16) * 2 - 1
    with torch.no_grad():
        reconstruction, indices, loss = model.vq(images)
    grid = model.config.vq.grid_size
    assert reconstruction.shape == images.shape
    assert indices.shape == (2, grid, grid) and indices.max() < model.config.vq.codebook_size
    assert torch.equal(model.vq.tokenize(images), indices)
    assert loss >= 0
