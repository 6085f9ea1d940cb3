"""Recognising LayerDiffuse files (arXiv 2402.17113) a user added, from their tensor names.

It reads the header of a ``.safetensors`` file (nothing is loaded or run) and names which
LayerDiffuse part it is and for which base model. "Transparent background: native" runs the
parts (:mod:`studio.engine.sd.layerdiffuse_run`); this module only tells them apart.

Key names are those of lllyasviel's releases (sd-forge-layerdiffuse, LayerDiffusion/v1):
- transparent decoder (``vae_transparent_decoder``, ``layer_sd15_vae_transparent_decoder``):
  a diffusers-style UNet with ``latent_conv_in``, ``conv_in``, ``down_blocks``, ``mid_block``,
  ``up_blocks`` and a 4-channel ``conv_out`` (alpha + RGB);
- latent transparency encoder (``vae_transparent_encoder``): ``blocks.0`` ... ``blocks.16``
  convolutions ending in 4 channels;
- the model patch (``layer_xl_transparent_attn``, ``layer_sd15_transparent_attn``,
  ``layer_xl_transparent_conv``): keys ``diffusion_model.<module>::<kind>::<n>`` with kind
  ``lora`` (attention LoRA) or ``diff`` (weight offsets). SD 1.5 has attention in
  ``input_blocks.1``; SDXL's first level has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from studio.engine import safe_load

SUPPORT_NOTE = "used by Transparent background: native, not a model on its own"


@dataclass(frozen=True)
class LayerDiffusePart:
    """What a LayerDiffuse file is: ``part`` and ``base`` ("SD 1.5", "SDXL" or "any")."""

    part: str
    base: str

    def describe(self, name: str) -> str:
        return f"{name}: LayerDiffuse {self.part} for {self.base}; {SUPPORT_NOTE}."


def identify_layerdiffuse(path: Path) -> LayerDiffusePart | None:
    """The LayerDiffuse part in a ``.safetensors`` file, or None for any other file.

    Raises
    ------
    DamagedModelError
        If the header itself is damaged.
    """
    shapes = safe_load.tensor_shapes(safe_load.read_safetensors_header(path))
    return identify_from_shapes(shapes)


def identify_from_shapes(shapes: dict[str, tuple[int, ...]]) -> LayerDiffusePart | None:
    """Same as :func:`identify_layerdiffuse`, from tensor names and shapes."""
    names = set(shapes)
    out = shapes.get("conv_out.weight", ())
    if {"latent_conv_in.weight", "conv_in.weight"} <= names and out[:1] == (4,):
        return LayerDiffusePart("transparent decoder", "any")
    last = shapes.get("blocks.16.weight", ())
    if "blocks.0.weight" in names and last[:1] == (4,) and len(names) <= 20:
        return LayerDiffusePart("latent transparency encoder", "any")
    patches = [name for name in names if name.startswith("diffusion_model.") and "::" in name]
    if not patches or len(patches) < len(names) // 2:
        return None
    kinds = {name.split("::")[1] for name in patches if name.count("::") == 2}
    sd15 = any(".input_blocks.1.1." in name for name in patches)
    kind = "attention LoRA" if kinds == {"lora"} else "weight offsets"
    return LayerDiffusePart(f"latent transparency {kind}", "SD 1.5" if sd15 else "SDXL")
