"""Fixtures shared by the dataset, evaluation and model-family tests.

The dataset-building fixtures (fake source packages, the tokenizer) are in
``tests/train/data/conftest.py``; prefix dataset fixtures with ``data_``, model ones with
``model_``.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def data_text_encoder():
    """The packaged MiniLM encoder on the CPU, loaded once per test session."""
    from studio.engine.builtin.text_encoder import TextEncoder

    return TextEncoder.load("cpu")


@pytest.fixture
def data_synthetic_dir(tmp_path: Path) -> Path:
    """A fresh 32-image synthetic dataset (64 px and 32 px) in a temporary folder."""
    from studio.train.data.synthetic import write_synthetic_dataset

    return write_synthetic_dataset(tmp_path / "synthetic", n=32, size=64, seed=0)


# --- Model-family fixtures (part B): a tiny synthetic set with cached embeddings.


@pytest.fixture(scope="session")
def model_synthetic_dir(tmp_path_factory, data_text_encoder) -> Path:
    """A 32-image synthetic dataset at 16 px (plus 32 px) with its caption embeddings cached.

    Shared by the whole session: tests write their models elsewhere and never modify it.
    """
    from studio.train.data.embeddings import load_caption_embeddings
    from studio.train.data.synthetic import write_synthetic_dataset

    folder = write_synthetic_dataset(
        tmp_path_factory.mktemp("model-data") / "shapes16", n=32, size=16, seed=0
    )
    load_caption_embeddings(folder, data_text_encoder)
    return folder


@pytest.fixture(scope="session")
def model_training_data(model_synthetic_dir):
    """The synthetic set's 16 px images and embeddings, ready for batching."""
    from studio.train.batches import TrainingData

    return TrainingData.load(model_synthetic_dir, 16)


@pytest.fixture
def model_single_thread():
    """Run torch on one thread for the test (tiny models; two threads on a shared machine
    mostly wait on each other), then restore the previous setting."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture
def model_loss_curve(model_training_data, model_single_thread):
    """Train ``family``'s tiny recipe for ``steps`` seeded steps; returns each step's logs."""
    import torch

    from studio.train.loop import make_trainer
    from studio.train.recipes import get_recipe

    def train(family: str, steps: int, seed: int = 0) -> list[dict[str, float]]:
        torch.manual_seed(seed)
        trainer = make_trainer(get_recipe(family, "tiny"), model_training_data, "cpu")
        generator = torch.Generator().manual_seed(seed)
        logs = []
        for step in range(steps):
            indices = model_training_data.sample_indices(trainer.recipe.batch_size, generator)
            logs.append(trainer.train_step(model_training_data.batch(indices), step / steps))
        return logs

    return train
