"""Converted style-network weights: built once from the ONNX files, cached as safetensors.

The first use of a network reads its ONNX file (:mod:`studio.engine.style.convert`) and writes
``<cache>/style-weights/<name>.safetensors`` atomically (a temporary file renamed into place, so
a crash never leaves half a file under the real name). Every later load checks the file against
the module it fills: same source ONNX hash, same tensor names, shapes and dtype. Anything else
(a truncated file, a hand-edited one, a newer package) is rebuilt from the ONNX files.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from studio.engine.model_hash import file_sha256
from studio.engine.residency import MakeRoom, Residency, ResidentKey, ResidentKind
from studio.engine.style import convert
from studio.engine.style.arbitrary import StylePredictor, StyleTransformer
from studio.engine.style.multistyle import MultiStyleNetwork
from studio.engine.style.paths import default_cache_dir, package_models_dir
from studio.imaging.atomic import atomic_write_with

CACHE_FORMAT = "studio-style-weights-1"
WEIGHTS_FOLDER = "style-weights"


@dataclass(frozen=True)
class NetworkSpec:
    """One network: the module to build, its ONNX file and how to read weights from it."""

    name: str
    onnx_file: str
    build: Callable[[], nn.Module]
    convert: Callable[[Path], dict[str, np.ndarray]]


_SPECS = (
    NetworkSpec("multistyle", "multistyle26.onnx", MultiStyleNetwork, convert.convert_multistyle),
    NetworkSpec("predictor", "arbitrary_predict.onnx", StylePredictor, convert.convert_predictor),
    NetworkSpec(
        "transformer", "arbitrary_transform.onnx", StyleTransformer, convert.convert_transformer
    ),
)
NETWORKS = {spec.name: spec for spec in _SPECS}

# Style networks loaded outside an engine service (which passes its own residency cache).
_OWN_NETWORKS = Residency()


def weights_path(name: str, cache_dir: Path | None = None) -> Path:
    """Where the converted weights of network ``name`` are cached."""
    return (cache_dir or default_cache_dir()) / WEIGHTS_FOLDER / f"{name}.safetensors"


def _read_cached(path: Path, module: nn.Module, source_hash: str) -> dict[str, torch.Tensor] | None:
    """The cached tensors if they fit ``module`` exactly, else ``None`` (rebuild)."""
    from safetensors import safe_open

    expected = module.state_dict()
    try:
        with safe_open(str(path), framework="pt") as handle:
            meta = handle.metadata() or {}
            if meta.get("format") != CACHE_FORMAT or meta.get("source_sha256") != source_hash:
                return None
            if set(handle.keys()) != set(expected):
                return None
            tensors = {key: handle.get_tensor(key) for key in expected}
    except Exception:  # a damaged cache is never fatal: it is rebuilt from the ONNX file
        return None
    for key, tensor in tensors.items():
        if tensor.shape != expected[key].shape or tensor.dtype != torch.float32:
            return None
    return tensors


def _write_atomically(path: Path, tensors: dict[str, torch.Tensor], source_hash: str) -> None:
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"format": CACHE_FORMAT, "source_sha256": source_hash}
    contiguous = {k: v.contiguous() for k, v in tensors.items()}
    atomic_write_with(path, lambda temporary: save_file(contiguous, temporary, metadata=metadata))


def converted_state_dict(name: str, cache_dir: Path | None = None) -> dict[str, torch.Tensor]:
    """Float32 weights of network ``name`` from the cache, converting the ONNX file if needed.

    Parameters
    ----------
    name
        ``"multistyle"``, ``"predictor"`` or ``"transformer"``.
    cache_dir
        Cache root; :func:`~studio.engine.style.paths.default_cache_dir` when ``None``.
    """
    spec = NETWORKS[name]
    onnx_path = package_models_dir() / spec.onnx_file
    source_hash = file_sha256(onnx_path)
    module = spec.build()
    path = weights_path(name, cache_dir)
    cached = _read_cached(path, module, source_hash) if path.is_file() else None
    if cached is not None:
        return cached
    converted = spec.convert(onnx_path)
    tensors = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in converted.items()}
    module.load_state_dict(tensors, strict=True)  # fails loudly if the converter drifted
    # A read-only or full cache only costs a re-conversion next time.
    with contextlib.suppress(OSError):
        _write_atomically(path, tensors, source_hash)
    return tensors


def load_network(
    name: str,
    device: torch.device,
    cache_dir: Path | None = None,
    *,
    networks: Residency | None = None,
) -> nn.Module:
    """The network ``name`` in eval mode on ``device``, kept in the residency cache
    ``networks``: the engine service's, or (``None``) the style package's own, for the callers
    without an engine (``studio style``, benches, tests)."""
    root = cache_dir or default_cache_dir()
    key = ResidentKey(ResidentKind.STYLE_NETWORK, f"{name}@{root}", str(device))

    def build(_make_room: MakeRoom) -> nn.Module:
        module = NETWORKS[name].build()
        module.load_state_dict(converted_state_dict(name, cache_dir), strict=True)
        return module.eval().requires_grad_(False).to(device)

    return (_OWN_NETWORKS if networks is None else networks).acquire(key, build)
