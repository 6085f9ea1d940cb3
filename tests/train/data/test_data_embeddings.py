"""Caption embeddings: computed once per dataset with the frozen MiniLM, cached, kept fresh."""

from __future__ import annotations

import json

import torch

from studio.engine.builtin.text_encoder import EMBED_DIM, MAX_TOKENS
from studio.train.data import load_dataset
from studio.train.data.embeddings import cache_path, load_caption_embeddings


class CountingEncoder:
    """The real encoder, counting how many captions it was asked to encode."""

    def __init__(self, encoder):
        self.encoder = encoder
        self.encoded = 0

    def encode(self, texts):
        self.encoded += len(texts)
        return self.encoder.encode(texts)


def test_embeddings_have_the_contract_shapes(data_synthetic_dir, data_text_encoder):
    embeddings = load_caption_embeddings(data_synthetic_dir, data_text_encoder)
    count = len(load_dataset(data_synthetic_dir))
    assert embeddings.pooled.shape == (count, EMBED_DIM)
    assert embeddings.tokens.shape == (count, MAX_TOKENS, EMBED_DIM)
    assert embeddings.mask.shape == (count, MAX_TOKENS)
    assert embeddings.pooled.dtype == embeddings.tokens.dtype == torch.float16
    assert embeddings.mask.dtype == torch.bool
    assert not embeddings.tokens[~embeddings.mask].any(), "padding rows are zero"
    # Row i is caption i, encoded alone or in a padded batch alike.
    caption = load_dataset(data_synthetic_dir).captions[3]
    expected = data_text_encoder.encode([caption]).pooled[0]
    assert torch.allclose(embeddings.pooled[3].float(), expected, atol=2e-3)


def test_cache_is_written_once_and_reused(data_synthetic_dir, data_text_encoder):
    counting = CountingEncoder(data_text_encoder)
    first = load_caption_embeddings(data_synthetic_dir, counting)
    assert counting.encoded == len(first) and cache_path(data_synthetic_dir).is_file()
    second = load_caption_embeddings(data_synthetic_dir, counting)
    assert counting.encoded == len(first), "the second call must come from the cache"
    assert torch.equal(first.tokens, second.tokens) and torch.equal(first.mask, second.mask)


def test_changed_captions_are_recomputed(data_synthetic_dir, data_text_encoder):
    counting = CountingEncoder(data_text_encoder)
    before = load_caption_embeddings(data_synthetic_dir, counting)
    items_path = data_synthetic_dir / "items.jsonl"
    items = [json.loads(line) for line in items_path.read_text().splitlines()]
    items[0]["caption"] = "a completely different caption about dragons"
    items_path.write_text("".join(json.dumps(item) + "\n" for item in items))
    after = load_caption_embeddings(data_synthetic_dir, counting)
    assert counting.encoded == 2 * len(before)
    assert not torch.equal(before.pooled[0], after.pooled[0])
    # Recomputed in batches padded differently, the other rows agree to float16 rounding (the
    # fused attention sums in blocks that depend on the padded length on some CPUs).
    torch.testing.assert_close(before.pooled[1:], after.pooled[1:], atol=2e-3, rtol=0)


def test_damaged_cache_is_recomputed(data_synthetic_dir, data_text_encoder):
    load_caption_embeddings(data_synthetic_dir, data_text_encoder)
    cache_path(data_synthetic_dir).write_bytes(b"garbage")
    counting = CountingEncoder(data_text_encoder)
    embeddings = load_caption_embeddings(data_synthetic_dir, counting)
    assert counting.encoded == len(embeddings) > 0
