"""Which kind of model a weights file is, and for which base family, from tensor names alone.

Only names and shapes are read (a safetensors header, or a pickle's key list), never the
tensors. The rules follow the key layouts the tools write:

- LoRA: kohya/A1111 ``lora_unet_*`` / ``lora_te_*`` (SDXL: ``lora_te1_*`` / ``lora_te2_*``),
  diffusers/PEFT ``lora_A``/``lora_B`` and ``lora.down``/``lora.up``; LyCORIS LoHa
  (``hada_w1_a``) and LoKr (``lokr_w1``) under the kohya names.
- Embeddings: A1111 ``emb_params`` and ``.pt`` ``string_to_param``, SDXL ``clip_l`` + ``clip_g``,
  a diffusers single-token file.
- ControlNet: ``control_model.*`` (LDM) or diffusers ``controlnet_*`` blocks.
- IP-Adapter: ``image_proj`` + ``ip_adapter``.
- VAE: an encoder and a decoder with the latent convolutions.
- LayerDiffuse: :mod:`studio.engine.sd.layerdiffuse`.
- Upscalers: spandrel's own architecture detection (:mod:`.upscaler_keys`).

The base family comes from the cross-attention width (768 SD 1.x, 1024 SD 2.x, 2048 SDXL),
the text-encoder width (768 / 1024), or SDXL's two text encoders.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from studio.domain.model_kind import Classified, ModelKind, kind_label
from studio.domain.models import ModelFamily
from studio.engine.sd.layerdiffuse import identify_from_shapes

Shapes = Mapping[str, Sequence[int]]

_CONTEXT_FAMILIES = {768: ModelFamily.SD1, 1024: ModelFamily.SD2, 2048: ModelFamily.SDXL}
_TEXT_FAMILIES = {768: ModelFamily.SD1, 1024: ModelFamily.SD2}
_LAYERDIFFUSE_BASES = {"SD 1.5": ModelFamily.SD1, "SDXL": ModelFamily.SDXL}
_KOHYA_PREFIXES = ("lora_unet_", "lora_te_", "lora_te1_", "lora_te2_")
_SDXL_TEXT_MARKS = ("lora_te1_", "lora_te2_", "text_encoder_2.", "lora_te2.")
_DIFFUSERS_LORA_MARKS = (".lora_A.", ".lora_B.", ".lora.down.", ".lora.up.", "lora_linear_layer")
# The down projection of a LoRA pair sees the layer's input width (the context for attn2.to_k).
_DOWN_MARKS = ("lora_down.weight", "lora_A.weight", "lora.down.weight", "hada_w1_b", "hada_w2_b")
_EMBEDDING_WIDTHS = (768, 1024)
_KOHYA_SDXL_UNET = ("lora_unet_input_blocks_", "lora_unet_middle_block_")
_DIFFUSERS_CONTROLNET = ("controlnet_cond_embedding.", "controlnet_down_blocks.")


def classify_keys(shapes: Shapes) -> Classified | None:
    """The kind and family the tensor names show, or ``None`` when no rule knows them.

    Upscalers are not tried here (that needs spandrel, which imports torch): see
    :func:`studio.engine.model_folders.upscaler_keys.upscaler_architecture`.
    """
    if not shapes:
        return None
    for rule in _RULES:
        found = rule(shapes)
        if found is not None:
            return found
    return None


def partial_kind_line(shapes: Shapes) -> str | None:
    """The refusal for weights that are an add-on, not a whole model, or ``None``.

    Used by checkpoint detection to say what a file is instead ("is a LoRA add-on").
    """
    classified = classify_keys(shapes)
    if classified is None or classified.kind is ModelKind.CHECKPOINT:
        return None
    label = kind_label(classified.kind)
    article = "an" if label[0].lower() in "aeiou" else "a"
    return (
        f"is {article} {label}, not a full model: add a Stable Diffusion checkpoint instead "
        "(add-ons are listed by `studio models`)."
    )


def _layerdiffuse(shapes: Shapes) -> Classified | None:
    part = identify_from_shapes({name: tuple(shape) for name, shape in shapes.items()})
    if part is None:
        return None
    family = _LAYERDIFFUSE_BASES.get(part.base, ModelFamily.UNKNOWN)
    return Classified(ModelKind.LAYERDIFFUSE, family, part.part)


def _lora(shapes: Shapes) -> Classified | None:
    names = list(shapes)
    kohya = any(name.startswith(_KOHYA_PREFIXES) for name in names)
    diffusers = not kohya and any(mark in name for name in names for mark in _DIFFUSERS_LORA_MARKS)
    if not (kohya or diffusers):
        return None
    if any(".hada_w1_a" in name for name in names):
        detail = "LyCORIS LoHa"
    elif any(".lokr_w1" in name for name in names):
        detail = "LyCORIS LoKr"
    else:
        detail = "kohya" if kohya else "diffusers/PEFT"
    return Classified(ModelKind.LORA, _lora_family(shapes), detail)


def _lora_family(shapes: Shapes) -> ModelFamily:
    if any(name.startswith(_SDXL_TEXT_MARKS) or ".text_encoder_2." in name for name in shapes):
        return ModelFamily.SDXL
    for name, shape in shapes.items():
        if _is_context_projection(name) and name.endswith(_DOWN_MARKS) and len(shape) >= 2:
            family = _CONTEXT_FAMILIES.get(int(shape[-1]))
            if family is not None:
                return family
    for name, shape in shapes.items():
        is_text = name.startswith("lora_te_") or name.startswith(("text_encoder.", "te."))
        if is_text and "q_proj" in name and name.endswith(_DOWN_MARKS) and len(shape) >= 2:
            family = _TEXT_FAMILIES.get(int(shape[-1]))
            if family is not None:
                return family
    # kohya writes SDXL's UNet with the original (LDM) block names, SD 1.x with diffusers' names.
    if any(
        name.startswith(("lora_unet_input_blocks_", "lora_unet_middle_block_")) for name in shapes
    ):
        return ModelFamily.SDXL
    return ModelFamily.UNKNOWN


def _is_context_projection(name: str) -> bool:
    return ("attn2" in name) and ("to_k" in name or "to_v" in name)


def _embedding(shapes: Shapes) -> Classified | None:
    names = set(shapes)
    if {"clip_l", "clip_g"} <= names:
        return Classified(ModelKind.EMBEDDING, ModelFamily.SDXL, "SDXL")
    vectors = shapes.get("emb_params")
    detail = "A1111"
    if vectors is None:
        params = [name for name in names if name.startswith("string_to_param.")]
        vectors = shapes[params[0]] if params else None
    if vectors is None and len(names) == 1:
        vectors, detail = next(iter(shapes.values())), "diffusers"
        if len(vectors) not in (1, 2) or int(vectors[-1]) not in _EMBEDDING_WIDTHS:
            return None
    if vectors is None or not vectors:
        return None
    return Classified(
        ModelKind.EMBEDDING, _TEXT_FAMILIES.get(int(vectors[-1]), ModelFamily.UNKNOWN), detail
    )


def _controlnet(shapes: Shapes) -> Classified | None:
    names = list(shapes)
    if any(name.startswith("control_model.") for name in names):
        detail = "LDM"
    elif any(
        name.startswith(("controlnet_cond_embedding.", "controlnet_down_blocks.")) for name in names
    ):
        detail = "diffusers"
    else:
        return None
    return Classified(ModelKind.CONTROLNET, _context_family(shapes, "attn2.to_k.weight"), detail)


def _ip_adapter(shapes: Shapes) -> Classified | None:
    names = list(shapes)
    has_proj = any(name.startswith("image_proj.") for name in names)
    if not (has_proj and any(name.startswith("ip_adapter.") for name in names)):
        return None
    return Classified(ModelKind.IP_ADAPTER, _context_family(shapes, "to_k_ip.weight"))


def _context_family(shapes: Shapes, suffix: str) -> ModelFamily:
    for name, shape in shapes.items():
        if name.endswith(suffix) and len(shape) == 2:
            family = _CONTEXT_FAMILIES.get(int(shape[1]))
            if family is not None:
                return family
    return ModelFamily.UNKNOWN


def _checkpoint(shapes: Shapes) -> Classified | None:
    names = list(shapes)
    if not any(name.startswith("model.diffusion_model.") for name in names):
        return None
    if any(name.startswith("conditioner.embedders.1.model.") for name in names):
        family = ModelFamily.SDXL
    elif any(name.startswith("cond_stage_model.model.") for name in names):
        family = ModelFamily.SD2
    elif any(name.startswith("cond_stage_model.transformer.") for name in names):
        family = ModelFamily.SD1
    else:
        family = ModelFamily.UNKNOWN
    return Classified(ModelKind.CHECKPOINT, family)


def _vae(shapes: Shapes) -> Classified | None:
    names = {name.removeprefix("first_stage_model.") for name in shapes}
    encoder = any(name.startswith(("encoder.down.", "encoder.down_blocks.")) for name in names)
    decoder = any(name.startswith(("decoder.up.", "decoder.up_blocks.")) for name in names)
    if encoder and decoder and "post_quant_conv.weight" in names:
        return Classified(ModelKind.VAE)
    return None


_RULES: tuple[Callable[[Shapes], Classified | None], ...] = (
    _layerdiffuse,  # before LoRA: its attention patch has "::lora::" keys
    _lora,
    _embedding,
    _controlnet,
    _ip_adapter,
    _checkpoint,
    _vae,
)
