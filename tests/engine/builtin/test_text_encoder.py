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


def test_matches_transformers_bert_model(encoder):
    """The plain-torch port gives transformers' hidden states, mask and truncation flags."""
    from transformers import AutoModel, AutoTokenizer

    from studio.engine.builtin.tokens import _clean

    texts = ["a red dragon", "", "blue heart " * 20, "🐉 مرحبا", "a\x00b"]
    ours = encoder.encode(texts)
    folder = packaged_model_dir()
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    model = AutoModel.from_pretrained(folder, local_files_only=True).eval()
    cleaned = [_clean(t) for t in texts]
    batch = tokenizer(
        cleaned, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
    )
    with torch.no_grad():
        reference = model(**batch).last_hidden_state
    mask = batch["attention_mask"].bool()
    assert torch.equal(ours.mask, mask)
    torch.testing.assert_close(ours.tokens[mask], reference[mask], atol=1e-4, rtol=1e-4)
    full = tokenizer(cleaned)["input_ids"]
    assert ours.truncated == tuple(len(ids) > MAX_TOKENS for ids in full)


def test_loading_and_encoding_never_import_transformers():
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import sys\n"
        "from studio.engine.builtin.text_encoder import TextEncoder\n"
        "TextEncoder.load('cpu').encode(['a red heart'])\n"
        "assert 'transformers' not in sys.modules\n"
    )
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


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
