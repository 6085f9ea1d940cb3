"""Training the 2x enlarger: pairs from the dataset, resumable, a file the runtime loads."""

from __future__ import annotations

import numpy as np
import pytest

from studio.engine.builtin.numpy_runtime.enlarger import ENLARGER_FILE, NumpyEnlarger
from studio.train.data.synthetic import write_synthetic_dataset
from studio.train.enlarger import EnlargerOptions, train_enlarger


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return write_synthetic_dataset(tmp_path_factory.mktemp("enl") / "data", n=12, size=64)


def _options(dataset, out, **kwargs) -> EnlargerOptions:
    values = {"steps": 3, "batch_size": 4, "features": 4, "convolutions": 1, "sample_every": 2}
    return EnlargerOptions(dataset, out, **{**values, **kwargs})


def test_training_writes_an_enlarger_the_runtime_loads(dataset, tmp_path) -> None:
    losses = []
    path = train_enlarger(_options(dataset, tmp_path), lambda s, t, loss: losses.append(loss))
    assert path == tmp_path / ENLARGER_FILE and len(losses) == 3
    enlarger = NumpyEnlarger.load(tmp_path)
    assert enlarger is not None
    sprite = np.zeros((8, 8, 4), np.uint8)
    sprite[2:6, 2:6] = (200, 40, 40, 255)
    assert enlarger.enlarge(sprite).shape == (16, 16, 4)


def test_a_resumed_run_continues_where_the_checkpoint_left(dataset, tmp_path) -> None:
    steps: list[int] = []
    train_enlarger(_options(dataset, tmp_path, steps=2), lambda s, t, loss: None)
    train_enlarger(_options(dataset, tmp_path, steps=4, resume=True), lambda s, *_: steps.append(s))
    assert steps == [3, 4]


def test_the_command_refuses_a_folder_that_is_not_a_dataset(tmp_path, capsys) -> None:
    from studio.cli import main

    code = main(["train-enlarger", "--data", str(tmp_path), "--out", str(tmp_path / "run")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and str(tmp_path) in err[0]


def test_a_dataset_smaller_than_a_batch_still_trains(dataset, tmp_path) -> None:
    losses: list[float] = []
    train_enlarger(
        _options(dataset, tmp_path, steps=1, batch_size=64),
        lambda step, total, loss: losses.append(loss),
    )
    assert len(losses) == 1 and np.isfinite(losses[0])
