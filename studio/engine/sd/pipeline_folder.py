"""Inspecting diffusers pipeline folders (user folders and Hugging Face cache snapshots).

Only Stable Diffusion and SDXL text-to-image pipelines are accepted, and only when every
component comes from diffusers or transformers: a ``model_index.json`` that names a module of
its own would make diffusers import a ``.py`` file from the folder, which Studio never does.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from studio.domain.errors import ModelLoadError
from studio.domain.models import ModelFamily
from studio.engine.config_json import read_config_json

MODEL_INDEX = "model_index.json"
SD_PIPELINES = frozenset({"StableDiffusionPipeline", "StableDiffusionImg2ImgPipeline"})
SDXL_PIPELINES = frozenset({"StableDiffusionXLPipeline", "StableDiffusionXLImg2ImgPipeline"})
# "stable_diffusion" is diffusers' own module for the (unused) safety checker.
TRUSTED_LIBRARIES = frozenset({"diffusers", "transformers", "stable_diffusion", None})
WEIGHT_SUFFIXES = (".safetensors", ".bin")


def is_pipeline_folder(folder: Path) -> bool:
    """Whether ``folder`` looks like a diffusers pipeline (has ``model_index.json``)."""
    return (folder / MODEL_INDEX).is_file()


def read_model_index(folder: Path) -> dict[str, Any]:
    """The parsed ``model_index.json`` of a pipeline folder.

    Raises
    ------
    ModelLoadError
        If it is missing or not a JSON object.
    """
    try:
        data = read_config_json(folder / MODEL_INDEX)
    except (OSError, ValueError):
        raise ModelLoadError(
            f"{folder.name} has no readable {MODEL_INDEX}: it is not a diffusers model folder."
        ) from None
    if not isinstance(data, dict):
        raise ModelLoadError(f"{folder.name}/{MODEL_INDEX} is malformed: download the model again.")
    return data


def pipeline_family(folder: Path, index: dict[str, Any] | None = None) -> ModelFamily:
    """SD1, SD2 or SDXL for a diffusers folder; raises ModelLoadError for anything else.

    Also refuses folders whose components would be imported from code inside the folder.
    """
    index = read_model_index(folder) if index is None else index
    class_name = str(index.get("_class_name", ""))
    if class_name not in SD_PIPELINES | SDXL_PIPELINES:
        raise ModelLoadError(
            f"{folder.name} is a {class_name or 'unknown'} model; Studio runs Stable Diffusion "
            "1.x, 2.x and SDXL text-to-image pipelines."
        )
    _require_trusted_components(folder, index)
    refuse_code_files(folder)
    if class_name in SDXL_PIPELINES:
        return ModelFamily.SDXL
    unet = _read_json(folder / "unet" / "config.json")
    return ModelFamily.SD2 if unet.get("cross_attention_dim") == 1024 else ModelFamily.SD1


def _require_trusted_components(folder: Path, index: dict[str, Any]) -> None:
    for name, value in index.items():
        if name.startswith("_") or not isinstance(value, list) or len(value) != 2:
            continue
        library = value[0]
        if library not in TRUSTED_LIBRARIES:
            raise ModelLoadError(
                f"{folder.name} asks to run its own code for component {name!r}; Studio never "
                "runs code from model folders: use a standard diffusers export."
            )


# Python source and compiled modules: what diffusers (< 0.38) imports from a folder and copies
# into its modules cache. Studio never imports them, so a folder holding one is refused whole.
CODE_SUFFIXES = frozenset({".py", ".pyc", ".pyo", ".pyw", ".pyd", ".so"})
# A pipeline folder is two levels deep (component/file); HF snapshots add none. Deeper
# folders are still searched, up to a bound, so a nested copy cannot slip through unseen.
_MAX_SCAN_DEPTH = 6
_MAX_SCAN_ENTRIES = 20_000


def refuse_code_files(folder: Path) -> None:
    """Refuse a model folder that holds Python code anywhere in or under it (RELIABILITY 4).

    The check runs before any ``from_pretrained``, so no diffusers version ever sees the code:
    not its import, and not its copy into the Hugging Face modules cache.

    Raises
    ------
    ModelLoadError
        Naming the first code file found (or saying the folder is too large to check).
    """
    seen = 0
    pending = [(folder, 0)]
    while pending:
        current, depth = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if seen > _MAX_SCAN_ENTRIES:
                raise ModelLoadError(
                    f"{folder.name} holds more than {_MAX_SCAN_ENTRIES:,} files; it is not a "
                    "diffusers model folder as Studio knows one."
                )
            if Path(entry.name).suffix.lower() in CODE_SUFFIXES:
                found = Path(entry.path).relative_to(folder)
                raise ModelLoadError(
                    f"{folder.name} contains code ({found}); Studio never runs code from model "
                    "folders: delete that file or use a standard diffusers export."
                )
            if depth < _MAX_SCAN_DEPTH and entry.is_dir(follow_symlinks=False):
                pending.append((Path(entry.path), depth + 1))


def has_unet_weights(folder: Path) -> bool:
    """Whether the UNet weights are present (a cache snapshot may be half downloaded)."""
    unet = folder / "unet"
    return unet.is_dir() and any(
        p.name.startswith("diffusion_pytorch_model") and p.name.endswith(WEIGHT_SUFFIXES)
        for p in unet.iterdir()
    )


def default_size(folder: Path, family: ModelFamily) -> tuple[int, int]:
    """Training resolution: the UNet's sample size times the VAE's 8x (fallback per family)."""
    unet = _read_json(folder / "unet" / "config.json")
    sample = unet.get("sample_size")
    if isinstance(sample, int) and sample > 0:
        return sample * 8, sample * 8
    return (1024, 1024) if family is ModelFamily.SDXL else (512, 512)


def folder_size(folder: Path) -> int:
    """Bytes of weights in the folder's component subfolders (symlinks followed, as HF uses)."""
    total = 0
    for path in folder.glob("*/*"):
        if path.name.endswith(WEIGHT_SUFFIXES):
            try:
                total += path.stat().st_size
            except OSError:
                continue
    return total


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = read_config_json(path)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
