"""What every model of one evaluation shares: prompts, real features, scorer, candidates.

Everything expensive that depends only on the dataset (the real images' features, the trained
scorer) is cached in ``<dataset>/eval/`` keyed by the dataset's content hash.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from studio.train.data import Dataset, load_dataset
from studio.train.evaluation.features import FEATURE_NAME, FeatureExtractor
from studio.train.evaluation.retrieval import Retrieval, candidate_sets, retrieval_accuracy

_CHUNK = 1024


@dataclass(frozen=True, eq=False)
class EvalSetup:
    """The shared parts of an evaluation.

    ``prompt_rows`` are the dataset indices of the held-out items whose captions are the
    prompts, in order; ``pool_rows`` those of every held-out item, the caption pool candidates
    come from; ``candidate_sets`` is ``(len(prompt_rows), K)`` rows into the pool, column 0
    the prompt itself; ``ceiling`` the scorer's retrieval accuracy on the real images of
    ``prompt_rows``.
    """

    dataset: Dataset
    prompt_rows: np.ndarray
    pool_rows: np.ndarray
    features: FeatureExtractor
    real_features: np.ndarray
    scorer: Any
    text_vectors: np.ndarray
    candidate_sets: np.ndarray
    ceiling: Retrieval
    device: str


def prepare_evaluation(
    dataset_dir: Path,
    count: int | None,
    seed: int,
    device: str,
    scorer_steps: int | None,
    log: Callable[[str], None],
) -> EvalSetup:
    """Load the dataset and build (or load from cache) everything the models are judged by."""
    dataset = load_dataset(dataset_dir, _main_size(dataset_dir))
    pool_rows = dataset.split_indices("heldout")
    if len(pool_rows) < 2:
        from studio.train.data import DatasetError

        raise DatasetError(f"{dataset_dir} has fewer than two held-out images to evaluate on.")
    order = np.random.default_rng(seed).permutation(pool_rows)
    prompt_rows = order[: count or len(order)]
    log(f"features of {len(pool_rows)} real held-out images ({FEATURE_NAME})")
    features = FeatureExtractor.load(device)
    real_features = _cached_real_features(dataset, pool_rows, features)
    log("caption embeddings (all-MiniLM-L6-v2, cached beside the dataset)")
    pooled = _pooled_embeddings(dataset.path)
    scorer = _cached_scorer(dataset, pooled, device, scorer_steps, log)
    text_vectors = text_vectors_of(scorer, pooled[pool_rows], device)
    position = {int(row): i for i, row in enumerate(pool_rows)}
    pool_items = [dataset.items[row] for row in pool_rows]
    sets = candidate_sets(
        [position[int(row)] for row in prompt_rows],
        [item["concept"] for item in pool_items],
        [item["caption"] for item in pool_items],
        seed=seed,
    )
    real_vectors = image_vectors(scorer, np.asarray(dataset.images[prompt_rows]), device)
    ceiling = retrieval_accuracy(real_vectors, text_vectors, sets)
    return EvalSetup(
        dataset,
        prompt_rows,
        pool_rows,
        features,
        real_features,
        scorer,
        text_vectors,
        sets,
        ceiling,
        device,
    )


def _main_size(dataset_dir: Path) -> int:
    from studio.train.data.dataset_format import read_manifest

    return int(read_manifest(dataset_dir)["size"])


def _cache_dir(dataset: Dataset) -> Path:
    from studio.train.evaluation.scorer import EVAL_DIR

    return dataset.path / EVAL_DIR


def _cached_real_features(dataset: Dataset, rows: np.ndarray, features) -> np.ndarray:
    tag = dataset.manifest["content_sha256"][:16]
    path = _cache_dir(dataset) / f"real-features-{features.name}-{dataset.size}-{tag}.npy"
    if path.is_file():
        cached = np.load(path, allow_pickle=False)
        if cached.shape == (len(rows), features.dim):
            return cached
    values = features.features(np.asarray(dataset.images[rows]))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, values)
    return values


def _pooled_embeddings(dataset_dir: Path):
    from studio.train.data.embeddings import load_caption_embeddings

    return load_caption_embeddings(dataset_dir).pooled


def _cached_scorer(dataset: Dataset, pooled, device: str, steps: int | None, log):
    from studio.train.evaluation.scorer import (
        ScorerConfig,
        load_scorer,
        save_scorer,
        scorer_path,
        train_scorer,
    )

    config = ScorerConfig() if steps is None else replace(ScorerConfig(), steps=steps)
    path = scorer_path(dataset.path, config, dataset.manifest["content_sha256"])
    scorer = load_scorer(path, device)
    if scorer is not None:
        log(f"scorer from cache {path.name}")
        return scorer
    train = dataset.split_indices("train")
    captions = [dataset.items[row]["caption"] for row in train]
    _unique, caption_ids = np.unique(captions, return_inverse=True)
    log(f"training the text-image scorer on {len(train)} images ({config.steps} steps)")
    pixels = scorer_pixels(dataset.images, train, config.image_size, device)

    def report(step: int, total: int, loss: float) -> None:
        log(f"  scorer step {step}/{total} loss {loss:.3f}")

    scorer = train_scorer(pixels, pooled[train], caption_ids, config, device, report)
    save_scorer(scorer, path)
    return scorer


def scorer_pixels(images, rows: np.ndarray, size: int, device: str):
    """The scorer's input tensor for ``images[rows]``, converted a chunk at a time."""
    import torch

    from studio.train.evaluation.scorer import images_to_tensor

    parts = [
        images_to_tensor(np.asarray(images[rows[i : i + _CHUNK]]), size, device)
        for i in range(0, len(rows), _CHUNK)
    ]
    return torch.cat(parts)


def image_vectors(scorer, images: np.ndarray, device: str) -> np.ndarray:
    """The scorer's unit vectors of uint8 RGBA images, as numpy."""
    import torch

    rows = np.arange(len(images))
    vectors = []
    with torch.inference_mode():
        for i in range(0, len(rows), _CHUNK):
            pixels = scorer_pixels(images, rows[i : i + _CHUNK], scorer.config.image_size, device)
            vectors.append(scorer.embed_images(pixels).cpu().numpy())
    return np.concatenate(vectors)


def text_vectors_of(scorer, pooled, device: str) -> np.ndarray:
    """The scorer's unit vectors of MiniLM pooled caption vectors, as numpy."""
    import torch

    with torch.inference_mode():
        return scorer.embed_texts(pooled.to(device)).cpu().numpy()
