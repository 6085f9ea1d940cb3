"""Describing single model files (``.safetensors``, ``.ckpt``...) as :class:`ModelInfo`.

``.safetensors`` files are described from their header alone. Pickle checkpoints need an
unpickle to be detected, so listings show them as family ``unknown`` until the user adds or
loads one (``deep=True``), after which the result is remembered for this process.
"""

from __future__ import annotations

import threading
from pathlib import Path

from studio.domain.errors import ModelLoadError
from studio.domain.models import ModelFamily, ModelFormat, ModelInfo, ModelSource
from studio.engine.safe_load import MODEL_FILE_SUFFIXES, SAFETENSORS_SUFFIXES
from studio.engine.sd.detect import CheckpointKind, detect_file

_kinds: dict[tuple[str, int, int], CheckpointKind] = {}
_lock = threading.Lock()


def inspect_model_file(path: Path, deep: bool = True) -> ModelInfo:
    """Describe a model file, validating it.

    Parameters
    ----------
    path
        An absolute path to the file.
    deep
        Whether pickle checkpoints may be unpickled (safely) to detect their family.

    Raises
    ------
    ModelLoadError
        If the suffix is not a model format or the weights are not a supported family.
    DamagedModelError, UnsafeModelError
        If the file is broken or would run code.
    """
    suffix = path.suffix.lower()
    if suffix not in MODEL_FILE_SUFFIXES:
        raise ModelLoadError(
            f"{path.name} is not a model file: use .safetensors, .ckpt or a diffusers folder."
        )
    stat = path.stat()
    is_safetensors = suffix in SAFETENSORS_SUFFIXES
    kind = checkpoint_kind(path) if (is_safetensors or deep) else _remembered_kind(path)
    return ModelInfo(
        id=str(path),
        name=path.stem,
        family=kind.family if kind else ModelFamily.UNKNOWN,
        source=ModelSource.USER,
        format=ModelFormat.SAFETENSORS if is_safetensors else ModelFormat.PICKLE,
        location=str(path),
        size_bytes=stat.st_size,
        default_size=kind.default_size if kind else (512, 512),
        is_turbo=kind.is_turbo if kind else "turbo" in path.name.lower(),
    )


def checkpoint_kind(path: Path) -> CheckpointKind:
    """Detect (or recall) the family of a checkpoint file."""
    remembered = _remembered_kind(path)
    if remembered is not None:
        return remembered
    kind = detect_file(path)
    remember_kind(path, kind)
    return kind


def remember_kind(path: Path, kind: CheckpointKind) -> None:
    """Record a detection made elsewhere (the loader detects from the loaded weights)."""
    with _lock:
        _kinds[_key(path)] = kind


def _remembered_kind(path: Path) -> CheckpointKind | None:
    with _lock:
        return _kinds.get(_key(path))


def _key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path), stat.st_size, stat.st_mtime_ns
