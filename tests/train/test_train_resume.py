"""Checkpoints: resume continues from the step it stopped at, exactly; unsafe files are refused."""

from __future__ import annotations

import io
import pickle
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from studio.train.checkpoint import CHECKPOINT_NAME, CheckpointError, load_checkpoint
from studio.train.loop import run_training
from studio.train.options import TrainOptions
from studio.train.vae import VAETrainer


def _options(data: Path, out: Path) -> TrainOptions:
    return TrainOptions(
        family="vae", data_dir=data, out_dir=out, steps=6, preset="tiny", sample_every=0, threads=1
    )


def _weights(out: Path) -> dict[str, torch.Tensor]:
    return load_checkpoint(out / CHECKPOINT_NAME)["trainer"]["objects"]["model"]


def test_interrupted_run_resumes_to_the_same_weights(model_synthetic_dir, tmp_path, monkeypatch):
    reference = run_training(_options(model_synthetic_dir, tmp_path / "reference"))
    assert reference.step == 6

    original = VAETrainer.train_step

    def interrupted(self, batch, progress):
        if self.step == 4:
            raise KeyboardInterrupt  # as Ctrl-C in the middle of step 5
        return original(self, batch, progress)

    monkeypatch.setattr(VAETrainer, "train_step", interrupted)
    options = _options(model_synthetic_dir, tmp_path / "resumed")
    with pytest.raises(KeyboardInterrupt):
        run_training(options)
    assert load_checkpoint(options.out_dir / CHECKPOINT_NAME)["trainer"]["step"] == 4
    monkeypatch.setattr(VAETrainer, "train_step", original)

    resumed = run_training(replace(options, resume=True))
    assert resumed.step == 6
    expected, actual = _weights(tmp_path / "reference"), _weights(tmp_path / "resumed")
    assert expected.keys() == actual.keys()
    assert all(torch.equal(expected[name], actual[name]) for name in expected)


def test_resume_refuses_another_family(model_synthetic_dir, tmp_path) -> None:
    options = replace(_options(model_synthetic_dir, tmp_path / "run"), steps=1)
    run_training(options)
    with pytest.raises(CheckpointError, match="'vae' run"):
        run_training(replace(options, family="gan", resume=True, steps=2))


def test_resume_without_a_checkpoint_says_so(tmp_path) -> None:
    with pytest.raises(CheckpointError, match="start without --resume"):
        load_checkpoint(tmp_path / CHECKPOINT_NAME)


class _Marker:
    """Unpickling this would create a file: the checkpoint loader must never run it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (Path.touch, (self.path,))


def test_a_checkpoint_that_would_run_code_is_refused(tmp_path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / CHECKPOINT_NAME
    with path.open("wb") as handle:
        pickle.dump({"format": "studio-train-checkpoint", "x": _Marker(marker)}, handle, protocol=2)
    with pytest.raises(CheckpointError, match="cannot be read safely"):
        load_checkpoint(path)
    assert not marker.exists()


def test_a_truncated_checkpoint_is_refused(model_synthetic_dir, tmp_path) -> None:
    options = replace(_options(model_synthetic_dir, tmp_path / "run"), steps=1)
    run_training(options)
    path = options.out_dir / CHECKPOINT_NAME
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(CheckpointError):
        load_checkpoint(path)


def test_init_from_starts_a_run_from_a_saved_model_and_refuses_another_family(
    model_synthetic_dir, tmp_path
) -> None:
    from studio.domain.errors import InvalidRequestError
    from studio.engine.builtin.vae import SpriteVAE

    first = run_training(_options(model_synthetic_dir, tmp_path / "first"))
    saved = SpriteVAE.from_pretrained(first.out_dir).state_dict()
    options = replace(_options(model_synthetic_dir, tmp_path / "tuned"), steps=1)
    from studio.train.loop import _Run

    run = _Run.start(replace(options, init_from=first.out_dir), stream=io.StringIO())
    loaded = run.trainer.model.state_dict()
    assert all(torch.allclose(saved[k].float(), loaded[k].float(), atol=1e-3) for k in saved)
    fresh = _Run.start(options, stream=io.StringIO()).trainer.model.state_dict()
    assert not all(torch.allclose(saved[k].float(), fresh[k].float(), atol=1e-3) for k in saved)
    gan = replace(options, family="gan", init_from=first.out_dir)
    with pytest.raises(InvalidRequestError, match="--init-from needs a 'gan' one"):
        _Run.start(gan, stream=io.StringIO())
