"""Reading the recipe out of a ComfyUI ``prompt`` chunk (the executed node graph).

The graph maps node ids to ``{"class_type": ..., "inputs": {...}}``; an input is either a
value or a link ``[node_id, output_index]``. A sampler node (``KSampler``,
``KSamplerAdvanced`` and look-alikes) holds seed, steps, CFG, sampler and scheduler; its
``positive`` / ``negative`` links lead, possibly through conditioning nodes, to
``CLIPTextEncode`` texts; ``latent_image`` leads to ``EmptyLatentImage`` (the size) and
``model`` to the checkpoint loader. Every walk is bounded, so a hostile graph (cycles, huge
fan-out) costs little.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from typing import Any

from studio.domain.prompt_tags import MAX_LORAS, LoraTag
from studio.imaging.a1111 import format_value

# Nodes visited per walk; real graphs reach their text or latent in a handful of hops.
MAX_WALK = 256
_SCALAR = (str, int, float, bool)

Graph = dict[str, dict[str, Any]]


def parse_comfyui_prompt(graph: object) -> dict | None:
    """Prompt, negative prompt and parameters from a ComfyUI prompt graph.

    Parameters
    ----------
    graph
        The decoded JSON of the ``prompt`` chunk.

    Returns
    -------
    dict or None
        ``{"prompt", "negative_prompt", "params"}`` shaped like
        :func:`studio.imaging.a1111.parse_a1111_parameters` output, with params ``Steps``,
        ``Sampler`` and ``Scheduler`` (ComfyUI's names), ``CFG scale``, ``Seed``, ``Size``,
        ``Denoise``, ``Model``, ``LoRAs`` where found, and ``lora_tags`` (the loader nodes'
        LoRAs with their model strength, for the request's prompt); ``None`` if no sampler
        node is found.
    """
    nodes = _valid_nodes(graph)
    sampler_id = _main_sampler(nodes)
    if sampler_id is None:
        return None
    inputs = nodes[sampler_id]["inputs"]
    params: dict[str, str] = {}
    for key, names in _SAMPLER_FIELDS.items():
        value = _first_value(nodes, inputs, names)
        if value is not None:
            params[key] = format_value(value)
    latent = _find(nodes, inputs.get("latent_image"), _is_empty_latent, _LATENT_INPUTS)
    if latent is not None:
        width, height = (_resolve(nodes, latent["inputs"].get(k)) for k in ("width", "height"))
        if width is not None and height is not None:
            params["Size"] = f"{format_value(width)}x{format_value(height)}"
    params.update(_model_params(nodes, inputs.get("model")))
    return {
        "prompt": _conditioning_text(nodes, inputs.get("positive"), "positive"),
        "negative_prompt": _conditioning_text(nodes, inputs.get("negative"), "negative"),
        "params": params,
        "lora_tags": _lora_tags(nodes, inputs.get("model")),
    }


_SAMPLER_FIELDS = {
    "Steps": ("steps",),
    "Sampler": ("sampler_name",),
    "Scheduler": ("scheduler",),
    "CFG scale": ("cfg",),
    "Seed": ("seed", "noise_seed"),
    "Denoise": ("denoise",),
}
_LATENT_INPUTS = ("latent_image", "samples", "latent", "samples1", "samples2")


def _valid_nodes(graph: object) -> Graph:
    if not isinstance(graph, dict):
        return {}
    return {
        str(node_id): node
        for node_id, node in graph.items()
        if isinstance(node, dict)
        and isinstance(node.get("class_type"), str)
        and isinstance(node.get("inputs"), dict)
    }


def _is_sampler(node: dict[str, Any]) -> bool:
    return "KSampler" in node["class_type"] and "steps" in node["inputs"]


def _is_empty_latent(node: dict[str, Any]) -> bool:
    return "EmptyLatentImage" in node["class_type"] or "EmptySD3LatentImage" in node["class_type"]


def _main_sampler(nodes: Graph) -> str | None:
    """The first-pass sampler: the one whose latent comes straight from an empty latent.

    A hires-fix graph has a second sampler fed by the first; A1111's ``Size`` and ComfyUI
    users alike mean the first pass.
    """
    samplers = sorted((i for i, n in nodes.items() if _is_sampler(n)), key=_node_order)
    for node_id in samplers:
        link = nodes[node_id]["inputs"].get("latent_image")
        stop_at_samplers = _find(
            nodes, link, lambda n: _is_empty_latent(n) or _is_sampler(n), _LATENT_INPUTS
        )
        if stop_at_samplers is not None and _is_empty_latent(stop_at_samplers):
            return node_id
    return samplers[0] if samplers else None


def _node_order(node_id: str) -> tuple[int, int | str]:
    return (0, int(node_id)) if node_id.isdigit() else (1, node_id)


def _link_target(nodes: Graph, value: object) -> str | None:
    if isinstance(value, list) and len(value) == 2 and isinstance(value[1], int):
        target = str(value[0])
        return target if target in nodes else None
    return None


def _resolve(nodes: Graph, value: object) -> object:
    """A scalar input, following links to literal nodes (``Int``, ``String`` and similar)."""
    for _ in range(8):
        target = _link_target(nodes, value)
        if target is None:
            break
        scalars = [v for v in nodes[target]["inputs"].values() if isinstance(v, _SCALAR)]
        links = [v for v in nodes[target]["inputs"].values() if _link_target(nodes, v)]
        value = scalars[0] if len(scalars) == 1 else links[0] if len(links) == 1 else None
    return value if isinstance(value, _SCALAR) else None


def _first_value(nodes: Graph, inputs: dict[str, Any], names: tuple[str, ...]) -> object:
    for name in names:
        value = _resolve(nodes, inputs.get(name))
        if value is not None:
            return value
    return None


def _walk(nodes: Graph, start: object, follow: Callable[[str], bool]) -> list[dict[str, Any]]:
    """Nodes reachable from link ``start`` through inputs whose names ``follow`` accepts."""
    first = _link_target(nodes, start)
    if first is None:
        return []
    seen, queue = {first}, deque([first])
    found: list[dict[str, Any]] = []
    while queue and len(found) < MAX_WALK:
        node = nodes[queue.popleft()]
        found.append(node)
        for name, value in node["inputs"].items():
            target = _link_target(nodes, value)
            if target is not None and target not in seen and follow(name):
                seen.add(target)
                queue.append(target)
    return found


def _find(
    nodes: Graph,
    start: object,
    wanted: Callable[[dict[str, Any]], bool],
    through: tuple[str, ...],
) -> dict[str, Any] | None:
    return next((n for n in _walk(nodes, start, through.__contains__) if wanted(n)), None)


def _conditioning_text(nodes: Graph, start: object, role: str) -> str:
    """Texts of the text-encode nodes feeding a sampler's ``positive`` or ``negative`` input."""

    def follow(name: str) -> bool:
        return name.startswith("conditioning") or name == role

    texts: list[str] = []
    for node in _walk(nodes, start, follow):
        if not node["class_type"].startswith("CLIPTextEncode"):
            continue
        for name in ("text", "text_g", "text_l"):
            text = _resolve(nodes, node["inputs"].get(name))
            if isinstance(text, str) and text and text not in texts:
                texts.append(text)
    return "\n".join(texts)


def _model_params(nodes: Graph, start: object) -> dict[str, str]:
    params: dict[str, str] = {}
    path = _walk(nodes, start, lambda name: name == "model")
    loras = [
        n["inputs"]["lora_name"] for n in path if isinstance(n["inputs"].get("lora_name"), str)
    ]
    checkpoint = next(
        (n["inputs"].get(k) for n in path for k in ("ckpt_name", "unet_name") if k in n["inputs"]),
        None,
    )
    if checkpoint is None:  # a graph wired in an unusual way: any loader will do
        checkpoint = next(
            (n["inputs"].get("ckpt_name") for n in nodes.values() if "ckpt_name" in n["inputs"]),
            None,
        )
    if isinstance(checkpoint, str):
        params["Model"] = checkpoint
    if loras:
        params["LoRAs"] = ", ".join(loras)
    return params


def _lora_tags(nodes: Graph, start: object) -> list[LoraTag]:
    """The LoRA loader nodes on the sampler's model path, as prompt tags (name = file stem)."""
    tags: list[LoraTag] = []
    for node in _walk(nodes, start, lambda name: name == "model"):
        file_name, strength = node["inputs"].get("lora_name"), node["inputs"].get("strength_model")
        if not isinstance(file_name, str) or len(tags) >= MAX_LORAS:
            continue
        stem = file_name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
        weight = float(strength) if isinstance(strength, int | float) else 1.0
        weight = weight if math.isfinite(weight) else 1.0
        if stem and "<" not in stem and ">" not in stem and ":" not in stem:
            tags.append(LoraTag(stem, weight))
    return tags
