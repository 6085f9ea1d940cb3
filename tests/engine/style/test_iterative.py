"""The iterative (Gatys) method: the loss falls, cancel is prompt, VGG19 only from disk."""

from __future__ import annotations

import itertools
import pickle
import threading
from pathlib import Path

import numpy as np
import pytest
import torch

from studio.domain.errors import DamagedModelError, JobCancelled
from studio.domain.style import StyleRequest
from studio.engine.style.iterative import IterativeSettings, gram_matrix, stylize_iterative
from studio.engine.style.loss_networks import (
    VGG19_FILE,
    efficientnet_loss_network,
    find_vgg19_weights,
    load_loss_network,
)
from studio.engine.style.progress import JobProgress

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def loss_network():
    network = efficientnet_loss_network()
    network.module.eval().requires_grad_(False)
    return network


def _tiny(png: bytes, side: int = 48) -> np.ndarray:
    from PIL import Image

    from studio.imaging.decode import load_pixels

    pixels = Image.fromarray(load_pixels(png, mode="RGB")).resize((side, side))
    return np.asarray(pixels, dtype=np.float32) / 255.0


def test_gram_matrix_is_normalised_channel_correlation() -> None:
    features = torch.ones(1, 2, 3, 4)
    features[0, 1] *= 2
    np.testing.assert_allclose(gram_matrix(features).numpy(), [[0.5, 1.0], [1.0, 2.0]])


def test_loss_falls_at_every_iteration(
    loss_network, astronaut_png: bytes, coffee_png: bytes
) -> None:
    content, style = _tiny(astronaut_png), _tiny(coffee_png)
    updates = []
    progress = JobProgress(6, updates.append, threading.Event())
    settings = IterativeSettings(iterations=6, seed=1)
    with torch.enable_grad():
        result = stylize_iterative(content, [(style, 1.0)], loss_network, CPU, progress, settings)
    losses = result.losses
    assert all(b <= a * 1.0001 for a, b in itertools.pairwise(losses))
    assert losses[-1] < 0.8 * losses[0]
    assert (
        result.image.shape == content.shape and 0 <= result.image.min() <= result.image.max() <= 1
    )
    assert [u.step for u in updates] == [1, 2, 3, 4, 5, 6]
    assert updates[-1].preview is not None  # the last iteration carries a preview


def test_cancel_stops_within_one_iteration(loss_network, astronaut_png: bytes) -> None:
    cancel = threading.Event()
    done: list[int] = []

    def on_progress(update) -> None:
        done.append(update.step)
        cancel.set()

    content = _tiny(astronaut_png, 32)
    progress = JobProgress(50, on_progress, cancel)
    with pytest.raises(JobCancelled), torch.enable_grad():
        stylize_iterative(
            content, [(content, 1.0)], loss_network, CPU, progress, IterativeSettings(50)
        )
    assert done == [1]


def test_iterative_job_with_a_preset_style(astronaut_png: bytes, tmp_path: Path) -> None:
    from studio.engine.style.job import run_style_job

    request = StyleRequest(
        source=astronaut_png, presets=(19,), method="iterative", iterations=3, max_size=48
    )
    updates = []
    image = run_style_job(request, updates.append, threading.Event(), "cpu", hub_dir=tmp_path)
    assert (image.width, image.height) == (98, 80)
    assert image.extra["loss_network"] == "EfficientNet-Lite0"
    assert image.extra["method"] == "iterative"
    assert [u.step for u in updates if not u.message] == [1, 2, 3]


def test_vgg19_is_used_only_when_its_weights_are_on_disk(tmp_path: Path) -> None:
    assert find_vgg19_weights(tmp_path) is None
    weights = tmp_path / "checkpoints" / VGG19_FILE
    weights.parent.mkdir()
    weights.write_bytes(b"")
    assert find_vgg19_weights(tmp_path) == weights


class _Payload:
    """A pickle that would create a file when loaded (what a malicious checkpoint does)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_vgg19_file_that_runs_code_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    weights = tmp_path / "checkpoints" / VGG19_FILE
    weights.parent.mkdir()
    with weights.open("wb") as handle:
        pickle.dump({"features.0.weight": _Payload(marker)}, handle, protocol=2)
    with pytest.raises(DamagedModelError, match=VGG19_FILE):
        load_loss_network(CPU, hub_dir=tmp_path)
    assert not marker.exists()
