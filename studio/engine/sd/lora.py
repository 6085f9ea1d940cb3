"""LoRA and LyCORIS files on a warm SD/SDXL pipeline, through diffusers and peft.

diffusers' ``load_lora_weights`` reads kohya/A1111 keys (``lora_unet_...``, ``lora_te_``,
``lora_te1_``/``lora_te2_``, LoCon's conv layers) and diffusers/PEFT keys, for the UNet and the
text encoder(s); ``set_adapters`` weighs several at once. Weights stay unfused: a LoRA is a side
branch beside each layer, so the model's own tensors are never written, and
``unload_lora_weights`` takes the branches away (a test compares every tensor afterwards).

:class:`AppliedLoras` remembers what is on the pipeline, so the warm model changes only when the
set or a weight changes. Every file is read through :mod:`studio.engine.safe_load` and checked
(LyCORIS kind, base family) before anything touches the model; a file that still fails to load
leaves the model as it was.
"""

from __future__ import annotations

import hashlib
import logging
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.domain.errors import ModelLoadError
from studio.domain.model_kind import lycoris_refusal
from studio.domain.models import ModelFamily
from studio.engine.model_hash import file_sha256
from studio.engine.safe_load import (
    METADATA_KEY,
    SAFETENSORS_SUFFIXES,
    load_state_dict,
    read_safetensors_header,
    tensor_shapes,
)

log = logging.getLogger(__name__)

A1111_SHORT_HASH = 12
# Key fragments of the LyCORIS kinds diffusers' SD/SDXL loader does not read (it reads LoRA and
# LoCon); LoHa and LoKr need LyCORIS's own network code, which Studio does not run.
_UNSUPPORTED_KINDS = (
    ("hada_w1_a", "LoHa"),
    ("lokr_w1", "LoKr"),
    ("oft_blocks", "OFT"),
    ("oft_diag", "OFT"),
    (".diff", "full-weight difference"),
)
_CROSS_WIDTHS = {768: ModelFamily.SD1, 1024: ModelFamily.SD2, 2048: ModelFamily.SDXL}
_FAMILY_NAMES = {ModelFamily.SD1: "SD 1.x", ModelFamily.SD2: "SD 2.x", ModelFamily.SDXL: "SDXL"}
_DOWN_SUFFIXES = ("lora_down.weight", "lora_A.weight", "down.weight")
_SECOND_ENCODER = re.compile(r"^(lora_te2_|text_encoder_2\.|te2\.)")


@dataclass(frozen=True)
class LoraTarget:
    """What a LoRA must fit: the model's name, base family and cross-attention input width."""

    model_name: str
    family: ModelFamily
    cross_width: int


@dataclass(frozen=True)
class LoraChoice:
    """A LoRA to apply: the name the prompt gave it, its file and its weight."""

    name: str
    path: Path
    weight: float


def lora_kind_problem(name: str, keys: Sequence[str]) -> str | None:
    """One line saying why diffusers cannot load these keys (a LyCORIS kind), or ``None``."""
    for fragment, kind in _UNSUPPORTED_KINDS:
        if any(fragment in key for key in keys):
            return lycoris_refusal(name, kind)
    return None


def lora_family_problem(
    name: str, shapes: Mapping[str, tuple[int, ...]], target: LoraTarget
) -> str | None:
    """One line when a LoRA was made for another base family than the model, else ``None``.

    An SDXL LoRA has keys for the second text encoder (``lora_te2_``/``text_encoder_2``); any
    LoRA on the UNet's cross-attention has that layer's input width (768 for SD 1.x, 1024 for
    SD 2.x, 2048 for SDXL), which must be the model's.
    """
    second_encoder = any(_SECOND_ENCODER.match(key) for key in shapes)
    width = _cross_attention_width(shapes)
    if second_encoder:
        lora_family: ModelFamily | None = ModelFamily.SDXL
    else:
        lora_family = _CROSS_WIDTHS.get(width) if width is not None else None
    model_label = _FAMILY_NAMES.get(target.family, "this model's family")
    if (second_encoder and target.family is not ModelFamily.SDXL) or (
        width is not None and width != target.cross_width
    ):
        return _mismatch(name, lora_family, width, target.model_name, model_label)
    return None


def _mismatch(
    name: str, lora_family: ModelFamily | None, width: int | None, model_name: str, label: str
) -> str:
    made_for = (
        f"an {_FAMILY_NAMES[lora_family]}"
        if lora_family is not None
        else f"a {width}-wide cross-attention"
    )
    return (
        f"{name} is {made_for} LoRA and {model_name} is {label}: choose a LoRA made for {label}, "
        "or a model of the LoRA's family."
    )


def _cross_attention_width(shapes: Mapping[str, tuple[int, ...]]) -> int | None:
    for key, shape in shapes.items():
        flat = key.replace(".", "_")
        if "attn2_to_k" in flat and key.endswith(_DOWN_SUFFIXES) and len(shape) >= 2:
            return int(shape[-1])
    return None


def a1111_lora_hash(path: Path | str) -> str:
    """The short hash A1111 writes in ``Lora hashes`` (12 hex digits).

    As A1111's ``Lora`` extension computes it: a ``.safetensors`` file's ``sshs_model_hash``
    metadata when present, else the sha256 of its tensor data (every byte after the 8-byte
    header length and the JSON header, sd-webui-additional-networks' "addnet" hash); any other
    file's full sha256. Empty when the file cannot be read.
    """
    path = Path(path)
    try:
        if path.suffix.lower() not in SAFETENSORS_SUFFIXES:
            return file_sha256(path)[:A1111_SHORT_HASH]
        header = read_safetensors_header(path)
        stored = header.get(METADATA_KEY, {}).get("sshs_model_hash", "")
        if isinstance(stored, str) and re.fullmatch(r"[0-9a-fA-F]{12,64}", stored):
            return stored[:A1111_SHORT_HASH].lower()
        with path.open("rb") as stream:
            header_length = int.from_bytes(stream.read(8), "little")
        return file_sha256(path, start=8 + header_length)[:A1111_SHORT_HASH]
    except (OSError, ModelLoadError):
        return ""


def read_lora(choice: LoraChoice, target: LoraTarget) -> dict[str, Any]:
    """The tensors of a LoRA file, checked for kind and family before the model is touched.

    Raises
    ------
    ModelLoadError
        A LyCORIS kind diffusers cannot load, or a LoRA of another base family (one line).
    DamagedModelError, UnsafeModelError
        From :func:`studio.engine.safe_load.load_state_dict`.
    """
    if choice.path.suffix.lower() in SAFETENSORS_SUFFIXES:
        # Checked from the header alone: a wrong file costs no tensor reads.
        header = read_safetensors_header(choice.path)
        _raise_if_unusable(choice.name, tensor_shapes(header), target)
        return load_state_dict(choice.path)
    tensors = load_state_dict(choice.path)
    _raise_if_unusable(choice.name, {k: tuple(v.shape) for k, v in tensors.items()}, target)
    return tensors


def _raise_if_unusable(
    name: str, shapes: Mapping[str, tuple[int, ...]], target: LoraTarget
) -> None:
    problem = lora_kind_problem(name, list(shapes)) or lora_family_problem(name, shapes, target)
    if problem is not None:
        raise ModelLoadError(problem)


def adapter_name(path: Path) -> str:
    """A peft adapter name for a file: stable, and a valid module key whatever the file name."""
    return "studio_" + hashlib.sha1(str(path).encode("utf-8", "replace")).hexdigest()[:16]


class AppliedLoras:
    """The LoRAs on one pipeline and their weights; changes the model only when they change."""

    def __init__(self) -> None:
        self._weights: dict[str, float] = {}  # adapter name -> weight, in prompt order

    @property
    def weights(self) -> dict[str, float]:
        """Adapter name -> weight of what is applied now (empty: the model's own weights)."""
        return dict(self._weights)

    def apply(
        self,
        pipe: Any,
        choices: Sequence[LoraChoice],
        model_name: str,
        model_family: ModelFamily,
    ) -> bool:
        """Make ``choices`` the pipeline's LoRA set; whether anything had to change.

        Raises
        ------
        ModelLoadError, DamagedModelError, UnsafeModelError
            One line; the model keeps the set it had (or its own weights, if loading failed
            halfway).
        """
        wanted = {adapter_name(c.path): c for c in choices}
        weights = {adapter: c.weight for adapter, c in wanted.items()}
        if weights == self._weights:  # the same LoRAs and weights, in any order
            return False
        if not wanted:
            self.clear(pipe)
            return True
        target = LoraTarget(model_name, model_family, int(pipe.unet.config.cross_attention_dim))
        new = {
            adapter: read_lora(choice, target)
            for adapter, choice in wanted.items()
            if adapter not in self._weights
        }
        removed = [adapter for adapter in self._weights if adapter not in wanted]
        try:
            if removed:
                pipe.delete_adapters(removed)
            with warnings.catch_warnings():
                # peft warns that a second adapter joins the first: several is the point here.
                warnings.filterwarnings("ignore", message=".*multiple adapters.*")
                for adapter, tensors in new.items():
                    pipe.load_lora_weights(tensors, adapter_name=adapter)
            pipe.set_adapters(list(weights), list(weights.values()))
        except (ValueError, KeyError, RuntimeError) as exc:
            self.clear(pipe)
            names = ", ".join(c.name for c in choices)
            raise ModelLoadError(
                f"The LoRA {names} could not be applied to {model_name} "
                f"({str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__}): "
                "it may be made for another kind of model."
            ) from None
        self._weights = weights
        return True

    def clear(self, pipe: Any) -> None:
        """Take every LoRA off, restoring the model's own layers exactly."""
        if self._weights or getattr(pipe, "get_list_adapters", dict)():
            pipe.unload_lora_weights()
        self._weights = {}
