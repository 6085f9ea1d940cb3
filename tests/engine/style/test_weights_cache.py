"""Converted weights: written once atomically, verified on load, rebuilt when damaged."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from studio.engine.model_hash import file_sha256
from studio.engine.style import convert, weights
from studio.engine.style.weights import converted_state_dict, weights_path


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def conversions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each time a network is converted from its ONNX file."""
    calls: list[str] = []
    spec = weights.NETWORKS["multistyle"]

    def counting(path: Path):
        calls.append(path.name)
        return convert.convert_multistyle(path)

    monkeypatch.setitem(
        weights.NETWORKS,
        "multistyle",
        weights.NetworkSpec(spec.name, spec.onnx_file, spec.build, counting),
    )
    return calls


def test_first_use_converts_and_later_uses_read_the_cache(cache, conversions) -> None:
    first = converted_state_dict("multistyle", cache)
    path = weights_path("multistyle", cache)
    assert path.is_file() and conversions == ["multistyle26.onnx"]
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temp left
    second = converted_state_dict("multistyle", cache)
    assert conversions == ["multistyle26.onnx"]
    assert all(torch.equal(first[k], second[k]) for k in first)


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]),
        lambda path: path.write_bytes(b"PK\x03\x04 a zip renamed"),
        lambda path: path.write_bytes(b""),
    ],
    ids=["truncated", "not-safetensors", "empty"],
)
def test_a_damaged_cache_is_rebuilt(cache, conversions, damage) -> None:
    converted_state_dict("multistyle", cache)
    damage(weights_path("multistyle", cache))
    rebuilt = converted_state_dict("multistyle", cache)
    assert conversions == ["multistyle26.onnx"] * 2
    assert rebuilt["contract.0.conv.weight"].shape == (32, 3, 9, 9)
    assert load_file(weights_path("multistyle", cache)).keys() == rebuilt.keys()


def test_a_cache_with_wrong_shapes_or_source_is_rebuilt(cache, conversions) -> None:
    good = converted_state_dict("multistyle", cache)
    path = weights_path("multistyle", cache)
    metadata = {"format": weights.CACHE_FORMAT, "source_sha256": "0" * 64}
    save_file(good, str(path), metadata=metadata)  # from another package version
    converted_state_dict("multistyle", cache)
    bad = dict(good, **{"contract.0.conv.weight": torch.zeros(32, 3, 3, 3)})
    real_hash = file_sha256(weights.package_models_dir() / "multistyle26.onnx")
    save_file(bad, str(path), metadata={"format": weights.CACHE_FORMAT, "source_sha256": real_hash})
    fixed = converted_state_dict("multistyle", cache)
    assert conversions == ["multistyle26.onnx"] * 3
    assert fixed["contract.0.conv.weight"].shape == (32, 3, 9, 9)


def test_int8_weights_are_dequantized_per_channel() -> None:
    state = convert.convert_transformer(weights.package_models_dir() / "arbitrary_transform.onnx")
    kernel = state["residual.0.conv1.conv.weight"]
    assert kernel.dtype.name == "float32"
    # Per output channel: each channel holds at most 255 distinct multiples of its own scale.
    channel = kernel[0].ravel()
    assert 20 < len(set(channel.tolist())) <= 255
    assert float(state["norm_eps"]) == pytest.approx(1e-5, rel=1e-3)
