"""onnxruntime references for the agreement tests (onnxruntime is a test-only dependency).

``float_graph`` rewrites an int8 QDQ graph into the float network it stands for: every
QuantizeLinear, and every DequantizeLinear of an *activation*, becomes Identity; the
DequantizeLinear nodes of constant weights stay, so the weights are exactly the dequantized
values our converter folds. onnxruntime then runs the same float network our torch port is.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def float_graph(path: Path) -> bytes:
    import onnx
    from onnx import helper

    model = onnx.load(str(path))
    graph = model.graph
    constants = {init.name for init in graph.initializer}
    nodes = []
    for node in graph.node:
        activation_dq = node.op_type == "DequantizeLinear" and node.input[0] not in constants
        if node.op_type == "QuantizeLinear" or activation_dq:
            nodes.append(helper.make_node("Identity", [node.input[0]], list(node.output)))
        else:
            nodes.append(node)
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.value_info[:]  # int8 type annotations no longer hold
    return model.SerializeToString()


def session(model: Path | bytes):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    source = str(model) if isinstance(model, Path) else model
    return ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])


def run(sess, *arrays: np.ndarray) -> np.ndarray:
    names = [i.name for i in sess.get_inputs()]
    return sess.run(None, dict(zip(names, arrays, strict=True)))[0]
