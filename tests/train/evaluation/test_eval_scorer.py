"""The contrastive text-image scorer and the retrieval accuracy it measures."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from studio.train.data import load_dataset
from studio.train.data.embeddings import load_caption_embeddings
from studio.train.data.synthetic import write_synthetic_dataset
from studio.train.evaluation.retrieval import candidate_sets, retrieval_accuracy
from studio.train.evaluation.scorer import (
    ScorerConfig,
    contrastive_loss,
    images_to_tensor,
    load_scorer,
    save_scorer,
    scorer_path,
    train_scorer,
)
from studio.train.evaluation.setup import image_vectors, text_vectors_of

TINY = ScorerConfig(steps=80, batch_size=64, width=16)


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    # Tiny convolutions gain nothing from threads; on a busy CI box they lose a lot to them.
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def shapes(tmp_path_factory, data_text_encoder):
    folder = write_synthetic_dataset(tmp_path_factory.mktemp("shapes") / "ds", n=144, size=32)
    return load_dataset(folder, 32), load_caption_embeddings(folder, data_text_encoder)


def _train(dataset, embeddings, config=TINY):
    rows = dataset.split_indices("train")
    _unique, ids = np.unique(np.array(dataset.captions)[rows], return_inverse=True)
    pixels = images_to_tensor(np.asarray(dataset.images[rows]), config.image_size, "cpu")
    return train_scorer(pixels, embeddings.pooled[rows], ids, config)


def _accuracy(scorer, dataset, embeddings, split):
    rows = dataset.split_indices(split)
    items = [dataset.items[r] for r in rows]
    sets = candidate_sets(
        list(range(len(rows))), [i["concept"] for i in items], [i["caption"] for i in items]
    )
    vectors = image_vectors(scorer, np.asarray(dataset.images[rows]), "cpu")
    return retrieval_accuracy(
        vectors, text_vectors_of(scorer, embeddings.pooled[rows], "cpu"), sets
    )


@pytest.mark.slow
def test_scorer_trained_on_shapes_beats_chance_on_seen_and_held_out_concepts(shapes):
    dataset, embeddings = shapes
    scorer = _train(dataset, embeddings)
    for split in ("train", "heldout"):
        result = _accuracy(scorer, dataset, embeddings, split)
        assert result.candidates >= 4
        assert result.top1 > 2 * result.chance_top1, (split, result)


def test_untrained_scorer_is_near_chance(shapes):
    dataset, embeddings = shapes
    scorer = _train(dataset, embeddings, ScorerConfig(steps=1, batch_size=8, width=8))
    result = _accuracy(scorer, dataset, embeddings, "train")
    assert result.top1 < 0.5


def test_same_seed_gives_the_same_scorer(shapes):
    dataset, embeddings = shapes
    config = ScorerConfig(steps=3, batch_size=16, width=8)
    first, second = _train(dataset, embeddings, config), _train(dataset, embeddings, config)
    for a, b in zip(first.state_dict().values(), second.state_dict().values(), strict=True):
        assert torch.equal(a, b)


def test_scorer_round_trips_through_its_cache_file(shapes, tmp_path):
    dataset, embeddings = shapes
    scorer = _train(dataset, embeddings, ScorerConfig(steps=2, batch_size=16, width=8))
    path = scorer_path(tmp_path, scorer.config, "abc")
    save_scorer(scorer, path)
    loaded = load_scorer(path)
    assert loaded is not None and loaded.config == scorer.config
    pixels = images_to_tensor(np.asarray(dataset.images[:4]), 32, "cpu")
    assert torch.allclose(scorer.embed_images(pixels), loaded.embed_images(pixels))
    path.write_bytes(b"damaged")
    assert load_scorer(path) is None


def test_cache_key_follows_data_and_config():
    config = ScorerConfig()
    assert config.cache_key("a") == ScorerConfig().cache_key("a")
    assert config.cache_key("a") != config.cache_key("b")
    assert config.cache_key("a") != ScorerConfig(steps=7).cache_key("a")


def test_loss_is_lower_for_matching_pairs():
    vectors = torch.nn.functional.normalize(torch.randn(6, 8), dim=-1)
    ids = torch.arange(6)
    matched = contrastive_loss(vectors, vectors, ids, 10.0)
    shuffled = contrastive_loss(vectors, vectors.roll(1, dims=0), ids, 10.0)
    assert matched < shuffled


def test_candidates_exclude_the_same_concept_and_start_with_the_truth():
    concepts = ["heart", "heart", "dog", "cat", "fish", "sun"]
    captions = ["heart, 3d", "heart, flat", "dog", "cat", "fish", "sun"]
    sets = candidate_sets([0, 2], concepts, captions, k=4, seed=1)
    assert sets.shape == (2, 4) and list(sets[:, 0]) == [0, 2]
    assert 1 not in sets[0]  # "heart, flat" is not a fair negative for "heart, 3d"
    assert all(len(set(row)) == len(row) for row in sets)
    np.testing.assert_array_equal(sets, candidate_sets([0, 2], concepts, captions, k=4, seed=1))


def test_retrieval_accuracy_counts_ranks_and_ties_against_the_truth():
    text = np.eye(3)
    sets = np.array([[0, 1, 2], [1, 0, 2], [2, 0, 1]])
    perfect = retrieval_accuracy(np.eye(3), text, sets)
    assert perfect.top1 == 1.0 and perfect.candidates == 3
    constant = retrieval_accuracy(np.ones((3, 3)) / np.sqrt(3), text, sets)
    assert constant.top1 == 0.0
