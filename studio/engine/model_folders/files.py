"""One model file or diffusers folder described by kind, read in place and never executed.

``.safetensors`` files are told apart from their header, pickles from their key list
(:mod:`.pickle_keys`). Checkpoints keep the registry's own description
(:func:`studio.engine.sd.model_files.inspect_model_file`); everything else becomes an
:class:`~studio.domain.model_kind.AddonInfo`. Results are remembered per file (path, size,
modification time) so a rescan of an unchanged folder reads nothing again.
"""

from __future__ import annotations

import threading
from pathlib import Path

from studio.domain.errors import ModelLoadError
from studio.domain.model_kind import AddonInfo, Classified, ModelKind
from studio.domain.models import ModelFormat, ModelInfo, ModelSource
from studio.engine import safe_load
from studio.engine.model_folders.classify import classify_keys
from studio.engine.model_folders.pickle_keys import pickle_tensor_shapes
from studio.engine.model_folders.upscaler_keys import upscaler_architecture
from studio.engine.sd import pipeline_folder
from studio.engine.sd.model_files import inspect_model_file

Found = ModelInfo | AddonInfo
# Files named for their role, not their model: the folder around them carries the name.
_GENERIC_STEMS = frozenset(
    {"pytorch_lora_weights", "learned_embeds", "diffusion_pytorch_model", "model", "ip_adapter"}
)
_remembered: dict[tuple[str, int, int], Found] = {}
_lock = threading.Lock()


def describe_file(path: Path, hint: ModelKind | None = None) -> Found:
    """A checkpoint's :class:`ModelInfo` or an add-on's :class:`AddonInfo` for ``path``.

    Parameters
    ----------
    path
        An absolute path to a regular file with a model suffix.
    hint
        The kind the folder's tool keeps here. A ``.ckpt`` where checkpoints live (or in a
        plain folder) is described as today, without unpickling.

    Raises
    ------
    DamagedModelError, UnsafeModelError
        If the file is broken or its pickle names code.
    ModelLoadError
        If no rule recognises its weights, or it is a checkpoint Studio cannot use.
    """
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    with _lock:
        known = _remembered.get(key)
    if known is not None:
        return known
    found = _describe(path, hint, stat.st_size)
    with _lock:
        _remembered[key] = found
    return found


def _describe(path: Path, hint: ModelKind | None, size: int) -> Found:
    suffix = path.suffix.lower()
    if suffix == ".ckpt" and hint in (None, ModelKind.CHECKPOINT):
        return inspect_model_file(path, deep=False)
    shapes = file_shapes(path)
    classified = classify_keys(shapes)
    if classified is None and hint in (None, ModelKind.UPSCALER):
        architecture = upscaler_architecture(shapes)
        if architecture is not None:
            classified = Classified(ModelKind.UPSCALER, detail=architecture)
    if classified is None:
        raise ModelLoadError(
            f"{path.name}: its weights are not recognised (not a checkpoint, LoRA, embedding, "
            "upscaler, ControlNet, IP-Adapter or VAE), skipped."
        )
    if classified.kind is ModelKind.CHECKPOINT:
        return inspect_model_file(path, deep=False)
    return AddonInfo(
        name=_display_name(path),
        kind=classified.kind,
        family=classified.family,
        location=str(path),
        size_bytes=size,
        detail=classified.detail,
    )


def file_shapes(path: Path) -> dict[str, tuple[int, ...]]:
    """Tensor name -> shape of a model file: its safetensors header or its pickle's key list.

    Raises
    ------
    DamagedModelError, UnsafeModelError
        If the file is broken or its pickle names code.
    """
    if path.suffix.lower() in safe_load.SAFETENSORS_SUFFIXES:
        return safe_load.tensor_shapes(safe_load.read_safetensors_header(path))
    return pickle_tensor_shapes(path)


def pipeline_info(folder: Path) -> ModelInfo:
    """A diffusers pipeline folder as a user checkpoint."""
    family = pipeline_folder.pipeline_family(folder)
    return ModelInfo(
        id=str(folder),
        name=folder.name,
        family=family,
        source=ModelSource.USER,
        format=ModelFormat.DIFFUSERS,
        location=str(folder),
        size_bytes=pipeline_folder.folder_size(folder),
        default_size=pipeline_folder.default_size(folder, family),
        is_turbo="turbo" in folder.name.lower(),
    )


def _display_name(path: Path) -> str:
    return path.parent.name if path.stem in _GENERIC_STEMS else path.stem
