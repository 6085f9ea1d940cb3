"""Tiny add-on files of the real formats, built from a tiny pipeline's own layers.

Kohya/A1111 LoRA keys (``lora_unet_...``, ``lora_te_``/``lora_te1_``/``lora_te2_``, with
``lora_down``/``lora_up``/``alpha``), diffusers/PEFT keys (``unet.<module>.lora_A.weight``),
a LyCORIS LoHa, and A1111 embeddings (``.pt`` with ``string_to_param``, ``.safetensors`` with
``emb_params``, SDXL's ``clip_l``/``clip_g``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_TARGETS = ("to_q", "to_k", "to_v", "to_out.0", "q_proj", "k_proj", "v_proj", "out_proj")


def _linears(model: Any) -> list[tuple[str, Any]]:
    import torch

    return [
        (name, module)
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear) and name.endswith(_TARGETS)
    ]


def kohya_lora(components: dict[str, Any], seed: int = 1, rank: int = 2) -> dict[str, Any]:
    """Kohya keys for every attention projection of the given ``{prefix: model}``."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    tensors: dict[str, Any] = {}
    for prefix, model in components.items():
        for name, module in _linears(model):
            key = prefix + name.replace(".", "_")
            tensors[f"{key}.lora_down.weight"] = (
                torch.randn(rank, module.in_features, generator=generator) * 0.3
            )
            tensors[f"{key}.lora_up.weight"] = (
                torch.randn(module.out_features, rank, generator=generator) * 0.3
            )
            tensors[f"{key}.alpha"] = torch.tensor(float(rank))
    return tensors


def peft_lora(components: dict[str, Any], seed: int = 2, rank: int = 2) -> dict[str, Any]:
    """diffusers/PEFT keys (``<component>.<module>.lora_A/B.weight``)."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    tensors: dict[str, Any] = {}
    for prefix, model in components.items():
        for name, module in _linears(model):
            tensors[f"{prefix}.{name}.lora_A.weight"] = (
                torch.randn(rank, module.in_features, generator=generator) * 0.3
            )
            tensors[f"{prefix}.{name}.lora_B.weight"] = (
                torch.randn(module.out_features, rank, generator=generator) * 0.3
            )
    return tensors


def loha_lora(unet: Any) -> dict[str, Any]:
    """A LyCORIS LoHa on one layer (keys only matter: diffusers cannot load the kind)."""
    import torch

    name, module = _linears(unet)[0]
    key = "lora_unet_" + name.replace(".", "_")
    return {
        f"{key}.hada_w1_a": torch.zeros(module.out_features, 2),
        f"{key}.hada_w1_b": torch.zeros(2, module.in_features),
        f"{key}.hada_w2_a": torch.zeros(module.out_features, 2),
        f"{key}.hada_w2_b": torch.zeros(2, module.in_features),
        f"{key}.alpha": torch.tensor(2.0),
    }


def save_safetensors(tensors: dict[str, Any], path: Path, metadata: dict | None = None) -> Path:
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(path), metadata=metadata)
    return path


def a1111_embedding_pt(path: Path, width: int, vectors: int = 2, seed: int = 3) -> Path:
    """An A1111 ``.pt`` embedding, laid out as A1111's textual_inversion saves it."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    data = {
        "string_to_token": {"*": 265},
        "string_to_param": {"*": torch.randn(vectors, width, generator=generator)},
        "name": path.stem,
        "step": 1000,
        "sd_checkpoint": "abcdef01",
        "sd_checkpoint_name": "tiny",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(data, path)
    return path


def a1111_embedding_safetensors(path: Path, width: int, seed: int = 4) -> Path:
    import torch

    generator = torch.Generator().manual_seed(seed)
    return save_safetensors({"emb_params": torch.randn(1, width, generator=generator)}, path)


def sdxl_embedding(path: Path, width_l: int, width_g: int, seed: int = 5) -> Path:
    import torch

    generator = torch.Generator().manual_seed(seed)
    return save_safetensors(
        {
            "clip_l": torch.randn(1, width_l, generator=generator),
            "clip_g": torch.randn(1, width_g, generator=generator),
        },
        path,
    )
