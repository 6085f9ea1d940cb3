"""The CLIP vision image encoder an IP-Adapter reads its reference through, from the user's files.

IP-Adapter files hold no encoder; each tool keeps it apart. Where Studio looks, from the
adapter file up (the first encoder of the width the adapter needs wins):

- ``image_encoder/`` beside the adapter or its folder (h94/IP-Adapter's ``models/`` and
  ``sdxl_models/``, as diffusers' ``load_ip_adapter`` expects);
- ``clip_vision/`` in a folder above it (ComfyUI's ``models/clip_vision``, InvokeAI's
  ``models/any/clip_vision``);
- A1111's sd-webui-controlnet download folder (``annotator/downloads/clip_vision``).

An encoder is a transformers folder (``config.json`` + weights) or a single file of its tensor
names (ComfyUI's ``CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors``); a single file's config is
read off its tensor shapes. A base adapter needs the encoder's projection width (ViT-H: 1024,
ViT-bigG: 1280), a plus/face adapter its hidden width (1280, 1664).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.domain.errors import ModelLoadError, ModelNotFoundError
from studio.domain.files import read_user_text
from studio.domain.json_depth import loads_bounded
from studio.engine import safe_load
from studio.engine.load_errors import loading_as

if TYPE_CHECKING:
    import torch

_FOLDERS = ("clip_vision", "any/clip_vision", "annotator/downloads/clip_vision",
            "extensions/sd-webui-controlnet/annotator/downloads/clip_vision")  # fmt: skip
_LEVELS = 4  # folders above the adapter searched for them
_PREFIX = "vision_model."
_HEADS = {768: 12, 1024: 16, 1280: 16, 1664: 16}  # ViT-B, -L, -H, -bigG; shapes cannot say


def needed_width(image_proj: Mapping[str, Sequence[int]], name: str) -> tuple[str, int]:
    """Which encoder width an adapter's ``image_proj`` tensors (name -> shape) read:
    ``("projection", n)`` for a base adapter, ``("hidden", n)`` for a plus or face one.

    Raises
    ------
    ModelLoadError
        FaceID adapters (they read InsightFace embeddings, not a CLIP image).
    """
    if "proj.weight" in image_proj:
        return "projection", int(image_proj["proj.weight"][-1])
    if "proj_in.weight" in image_proj:
        return "hidden", int(image_proj["proj_in.weight"][-1])
    raise ModelLoadError(
        f"{name} is an IP-Adapter that does not read a CLIP image (FaceID?): "
        "use an ip-adapter or ip-adapter-plus file."
    )


def load_image_encoder(adapter: Path, need: tuple[str, int], dtype: torch.dtype) -> Any:
    """The first encoder near ``adapter`` of the width ``need`` says, on the CPU, in ``dtype``.

    Raises
    ------
    ModelNotFoundError
        None of that width: one line saying where to put it.
    ModelLoadError, DamagedModelError, UnsafeModelError
        The encoder found does not load.
    """
    return _load(find_image_encoder(adapter, need), dtype)


def find_image_encoder(adapter: Path, need: tuple[str, int]) -> Path:
    """The first encoder folder or file near ``adapter`` of the width ``need`` says.

    Only configs and tensor names are read, so this runs before any model loads.

    Raises
    ------
    ModelNotFoundError
        None of that width: one line saying where to put it.
    """
    for candidate in candidates(adapter):
        if _width(candidate, need[0]) == need[1]:
            return candidate
    raise ModelNotFoundError(
        f"No CLIP image encoder of {need[0]} width {need[1]} for {adapter.name}: put it "
        "(a folder with config.json, or ComfyUI's clip_vision file) in image_encoder/ beside "
        "the adapter or in a clip_vision folder of your models."
    )


def candidates(adapter: Path) -> Iterator[Path]:
    """Encoder folders and files near ``adapter``, nearest first."""
    seen: set[Path] = set()
    parents = [adapter.parent, *list(adapter.parents)[1:_LEVELS]]
    places = [parent / "image_encoder" for parent in parents[:2]]
    places += [parent / folder for parent in parents for folder in _FOLDERS]
    for place in places:
        if place in seen or not place.is_dir():
            continue
        seen.add(place)
        if (place / "config.json").is_file():
            yield place
            continue
        for entry in sorted(place.iterdir()):
            if (entry.is_dir() and (entry / "config.json").is_file()) or (
                entry.is_file() and entry.suffix.lower() in safe_load.MODEL_FILE_SUFFIXES
            ):
                yield entry


def _width(candidate: Path, which: str) -> int | None:
    """The encoder's projection or hidden width, read without loading its weights."""
    key = "projection_dim" if which == "projection" else "hidden_size"
    try:
        if candidate.is_dir():
            text = read_user_text(candidate / "config.json", max_bytes=1 << 20,
                                  what="encoder config", error=ModelLoadError)  # fmt: skip
            config = loads_bounded(text, max_depth=16)
            config = config.get("vision_config", config) if isinstance(config, dict) else {}
            return int(config.get(key, 0)) or None
        if candidate.suffix.lower() not in safe_load.SAFETENSORS_SUFFIXES:
            return _config_from_shapes(_shapes(safe_load.load_state_dict(candidate)))[key]
        header = safe_load.read_safetensors_header(candidate)
        return _config_from_shapes(safe_load.tensor_shapes(header))[key]
    except (ModelLoadError, KeyError, ValueError, TypeError):
        return None  # not an encoder of the layout Studio reads: look further


def _load(candidate: Path, dtype: torch.dtype) -> Any:
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

    model: Any
    advice = "replace it with the encoder the IP-Adapter was made for."
    with loading_as(candidate.name, "a CLIP image encoder", advice):
        if candidate.is_dir():
            model = CLIPVisionModelWithProjection.from_pretrained(
                candidate, local_files_only=True, dtype=dtype
            )
        else:
            state = safe_load.load_state_dict(candidate)
            config = CLIPVisionConfig(**_config_from_shapes(_shapes(state)))
            model = CLIPVisionModelWithProjection(config)
            missing, unexpected = model.load_state_dict(state, strict=False)
            missing = [name for name in missing if not name.endswith("position_ids")]
            if missing or unexpected:
                raise ValueError(f"{len(missing) + len(unexpected)} tensors do not fit")
            model = model.to(dtype)
    return model.eval().requires_grad_(False)


def _shapes(state: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    return {name: tuple(tensor.shape) for name, tensor in state.items()}


def _config_from_shapes(shapes: dict[str, tuple[int, ...]]) -> dict[str, Any]:
    """A transformers ``CLIPVisionConfig`` keyword set read off the published tensor names."""
    embeddings = _PREFIX + "embeddings."
    hidden = shapes[embeddings + "class_embedding"][0]
    patch_shape = shapes[embeddings + "patch_embedding.weight"]
    positions = shapes[embeddings + "position_embedding.weight"][0]
    side = math.isqrt(positions - 1)
    layers = {name.split(".")[3] for name in shapes if name.startswith(_PREFIX + "encoder.layers.")}
    return {
        "hidden_size": hidden,
        "intermediate_size": shapes[_PREFIX + "encoder.layers.0.mlp.fc1.weight"][0],
        "projection_dim": shapes["visual_projection.weight"][0],
        "num_hidden_layers": len(layers),
        "num_attention_heads": _HEADS.get(hidden, max(1, hidden // 64)),
        "num_channels": patch_shape[1],
        "patch_size": patch_shape[-1],
        "image_size": side * patch_shape[-1],
        # OpenAI's ViT-L uses quick GELU; the LAION encoders IP-Adapters read use GELU.
        "hidden_act": "quick_gelu" if hidden == 1024 else "gelu",
    }
