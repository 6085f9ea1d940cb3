"""LayerDiffuse's latent-transparency weights merged into a warm UNet, and taken off exactly.

The published patches (``layer_sd15_transparent_attn``, ``layer_xl_transparent_attn``,
``layer_xl_transparent_conv``) are Forge "frozen patcher" files: every tensor is named
``diffusion_model.<LDM weight name>::<kind>::<n>``. Kind ``lora`` holds a low-rank pair
(``0`` the up matrix, ``1`` the down matrix, an optional ``2`` alpha) whose product is added
to the weight; kind ``diff`` holds the offset itself (``0``).

Why a merge rather than a peft adapter: the file mixes the two kinds and is not in a LoRA
layout diffusers reads, and the user's own LoRAs are peft adapters on the same layers, whose
``set_adapters`` would switch a LayerDiffuse adapter off. The original weights are kept on
the CPU and copied back on :meth:`UnetPatch.remove`, so the UNet is restored bit for bit.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.domain.errors import ModelLoadError
from studio.engine.safe_load import load_state_dict
from studio.engine.sd.ldm_keys import UNET_PREFIX, unet_to_ldm

if TYPE_CHECKING:
    import torch

_PREFIX = "diffusion_model."
_KINDS = ("lora", "diff")


def read_patch(path: Path) -> dict[str, tuple[str, dict[int, torch.Tensor]]]:
    """LDM weight name -> (kind, numbered tensors) of a LayerDiffuse patch file.

    Raises
    ------
    DamagedModelError, UnsafeModelError
        A file that cannot be read safely.
    ModelLoadError
        A file that is not a LayerDiffuse patch, named in one line.
    """
    patch: dict[str, tuple[str, dict[int, torch.Tensor]]] = {}
    for key, tensor in load_state_dict(path).items():
        parts = key.split("::")
        if len(parts) != 3 or not parts[0].startswith(_PREFIX) or parts[1] not in _KINDS:
            raise ModelLoadError(f"{path.name} is not a LayerDiffuse patch ({key[:80]!r}).")
        name, kind, number = parts[0][len(_PREFIX) :], parts[1], parts[2]
        if not number.isdecimal() or patch.setdefault(name, (kind, {}))[0] != kind:
            raise ModelLoadError(f"{path.name} is not a LayerDiffuse patch ({key[:80]!r}).")
        patch[name][1][int(number)] = tensor
    if not patch:
        raise ModelLoadError(f"{path.name} holds no LayerDiffuse weights.")
    return patch


class UnetPatch:
    """A patch merged into one UNet; :meth:`remove` puts the original weights back."""

    def __init__(self, unet: Any, patch: Mapping[str, tuple[str, dict[int, Any]]], name: str):
        self._originals: dict[str, Any] = {}
        self._unet = unet
        targets = _parameter_names(unet)
        deltas: dict[str, Any] = {}
        for ldm_name, (kind, tensors) in patch.items():
            target = targets.get(ldm_name)
            if target is None:
                raise ModelLoadError(f"{name} does not fit this model (no weight {ldm_name}).")
            weight = unet.get_parameter(target)
            deltas[target] = _delta(kind, tensors, tuple(weight.shape), name, ldm_name)
        self._merge(deltas)

    def _merge(self, deltas: dict[str, Any]) -> None:
        import torch

        with torch.no_grad():
            for target, delta in deltas.items():
                weight = self._unet.get_parameter(target)
                self._originals[target] = weight.detach().to("cpu", copy=True)
                weight.add_(delta.to(weight.device, weight.dtype))

    def remove(self) -> None:
        """Copy every original weight back (exactly: no subtraction, no rounding)."""
        import torch

        with torch.no_grad():
            for target, original in self._originals.items():
                self._unet.get_parameter(target).copy_(original)
        self._originals.clear()


def _delta(
    kind: str, tensors: Mapping[int, Any], shape: tuple[int, ...], name: str, weight: str
) -> Any:
    if kind == "diff" and 0 in tensors:
        delta = tensors[0].float()
    elif kind == "lora" and {0, 1} <= set(tensors):
        up, down = tensors[0].float().flatten(1), tensors[1].float().flatten(1)
        alpha = tensors.get(2)
        scale = float(alpha) / down.shape[0] if alpha is not None else 1.0
        if up.shape[1] != down.shape[0]:
            raise ModelLoadError(f"{name} is damaged: the LoRA pair of {weight} does not chain.")
        delta = (up @ down) * scale
    else:
        raise ModelLoadError(f"{name} is damaged: {weight} lacks its {kind} tensors.")
    if delta.numel() != _count(shape):
        raise ModelLoadError(
            f"{name} does not fit this model ({weight} is {list(shape)}): use the LayerDiffuse "
            "file made for the model's family (SD 1.5 or SDXL)."
        )
    return delta.reshape(shape)


def _count(shape: tuple[int, ...]) -> int:
    total = 1
    for side in shape:
        total *= side
    return total


def _parameter_names(unet: Any) -> dict[str, str]:
    """LDM weight name (without ``model.diffusion_model.``) -> the UNet's parameter name.

    A UNet carrying the user's LoRAs has peft layers: the weight sits under ``base_layer``.
    """
    actual = {}
    for name, _ in unet.named_parameters():
        if "lora_" not in name:
            actual[name.replace(".base_layer", "")] = name
    config = unet.config
    layers = config.layers_per_block
    layers = layers if isinstance(layers, int) else layers[0]
    renamed = unet_to_ldm({plain: plain for plain in actual}, len(unet.down_blocks), layers)
    return {ldm[len(UNET_PREFIX) :]: actual[plain] for ldm, plain in renamed.items()}
