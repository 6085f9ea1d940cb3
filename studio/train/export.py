"""Writing a trained model folder: manifest, weights, attribution and model card.

Weights are stored in float16 when that leaves samples unchanged (checked on a few fixed
prompts and seeds), which halves what Studio ships; otherwise in float32.
"""

from __future__ import annotations

import copy
import os
import platform
import shutil
from pathlib import Path
from typing import Any

import torch

from studio.engine.builtin.generation import SampleSettings
from studio.engine.builtin.pretrained import BuiltinModel
from studio.train.batches import TrainingData
from studio.train.card import render_model_card
from studio.train.data.bank_rows import bank_rows

DISPLAY_NAMES = {
    "vae": "Built-in sprites (VAE)",
    "gan": "Built-in sprites (GAN)",
    "ar": "Built-in sprites (autoregressive)",
    "diffusion": "Built-in sprites (diffusion)",
}
FP16_TOLERANCE = 0.03  # mean absolute difference in model space ([-1, 1]) still invisible
CHECK_SETTINGS = SampleSettings(steps=10, cfg_scale=3.0, sampler="DPM++ 2M")
ATTRIBUTION_NAME = "ATTRIBUTION.md"
CARD_NAME = "MODEL_CARD.md"


def export_model(
    model: BuiltinModel,
    out_dir: Path,
    data: TrainingData,
    dataset_dir: Path,
    name: str,
    training: dict[str, Any],
) -> Path:
    """Write ``model`` and its papers into ``out_dir``; returns the folder.

    Parameters
    ----------
    training
        Recipe facts for the manifest and the card (command, steps, minutes, preset...).
    """
    from studio.train.data import load_dataset

    dtype = storage_dtype(model, data)
    native = model.sample_size
    dataset = load_dataset(dataset_dir, size=data.size)
    manifest = {
        "name": name,
        "display_name": DISPLAY_NAMES[model.family],
        "image_size": native * max(1, 64 // native),
        "native_size": native,
        "default": False,
        "weights_dtype": "float16" if dtype == torch.float16 else "float32",
        "dataset": dataset_summary(dataset_dir.name, dataset.manifest),
        "metrics": {},
        "training": {
            **training,
            "parameters": model.num_parameters,
            "hardware": _hardware(next(model.parameters()).device),
        },
    }
    model.save_pretrained(out_dir, manifest=manifest, dtype=dtype)
    if getattr(model.config, "reference_channels", 0) and bank_rows(dataset.items):
        # A retrieval-augmented model ships with the bank it draws shapes from; the bank's
        # icons are the dataset's, so the same ATTRIBUTION.md covers them. A dataset of the
        # artist's own sprites has no bank icons: that model draws without references.
        from studio.train.data.bank_export import write_bank

        write_bank(dataset_dir, out_dir, size=data.size)
    attribution = dataset_dir / ATTRIBUTION_NAME
    if attribution.is_file():
        shutil.copyfile(attribution, out_dir / ATTRIBUTION_NAME)
    from studio.engine.builtin.pretrained import read_model_manifest

    card = render_model_card(read_model_manifest(out_dir))
    (out_dir / CARD_NAME).write_text(card, encoding="utf-8")
    return out_dir


def dataset_summary(name: str, manifest: dict[str, Any]) -> dict[str, Any]:
    """What a model manifest records about the dataset it was trained on."""
    return {
        "name": name,
        "count": manifest.get("count"),
        "splits": manifest.get("splits", {}),
        "content_sha256": manifest.get("content_sha256", ""),
        "sources": [
            {"name": s.get("name"), "license": s.get("license"), "count": s.get("count")}
            for s in manifest.get("sources", [])
        ],
    }


@torch.no_grad()
def storage_dtype(model: BuiltinModel, data: TrainingData, samples: int = 4) -> torch.dtype:
    """float16 if rounding the weights to it leaves fixed samples (nearly) unchanged."""
    rounded = copy.deepcopy(model)
    for tensor in rounded.state_dict().values():
        if tensor.is_floating_point():
            tensor.copy_(tensor.half().float())
    rows = data.preview_indices(samples)
    differences = []
    for seed, row in enumerate(rows.tolist()):
        text = data.text(torch.tensor([row, row]), next(model.parameters()).device)
        drop = torch.tensor([False, True])
        images = [
            network.generate(
                network.text(text, drop=drop),
                torch.Generator().manual_seed(seed),
                CHECK_SETTINGS,
            ).image
            for network in (model, rounded)
        ]
        differences.append(float((images[0] - images[1]).abs().mean()))
    # The median forgives one autoregressive sample whose token draw flipped at a boundary.
    median = sorted(differences)[len(differences) // 2]
    return torch.float16 if median <= FP16_TOLERANCE else torch.float32


def _hardware(device: torch.device) -> str:
    if device.type == "cuda":
        return f"CUDA {torch.cuda.get_device_name(device)}"
    cpu = platform.processor() or platform.machine()
    return f"CPU ({cpu}), {torch.get_num_threads()} torch threads, {os.cpu_count()} cores"
