"""Studio's own small text-to-sprite models (shipped in ``models/``, work offline).

A built-in model is a folder holding ``studio_model.json`` (family, name, architecture
config), ``model.safetensors`` and a model card. This module finds them and hands a folder to
the family's loader; it imports no torch itself.
"""

from __future__ import annotations

import logging
from pathlib import Path

from studio.domain.models import (
    BUILTIN_FAMILY_CONTROLS,
    ModelFamily,
    ModelFormat,
    ModelInfo,
    ModelSource,
)
from studio.engine.builtin.edit_rules import INPAINT_FAMILIES, NOISE_FAMILIES
from studio.engine.config_json import read_config_json
from studio.engine.resources import builtin_models_dir

log = logging.getLogger(__name__)

MANIFEST_NAME = "studio_model.json"
WEIGHTS_NAME = "model.safetensors"
FAMILIES = ("vae", "gan", "ar", "diffusion")
# What each family reads of a request's sampling settings (described in the domain, where
# the recipe written into images reads it too).
FAMILY_CONTROLS = BUILTIN_FAMILY_CONTROLS


def family_edits(family: str) -> tuple[str, ...]:
    """The canvas edits a family can do, from the rules its jobs are checked by
    (:mod:`studio.engine.builtin.edit_rules`): none starts from an image."""
    edits = {"inpaint": family in INPAINT_FAMILIES, "variation": family in NOISE_FAMILIES}
    return tuple(edit for edit, possible in edits.items() if possible)


def default_models_dir() -> Path:
    """Folder of the shipped models (see :func:`studio.engine.resources.builtin_models_dir`)."""
    return builtin_models_dir()


def read_manifest(folder: Path) -> dict | None:
    """The parsed manifest of a built-in model folder, or ``None`` if it is not one."""
    manifest = folder / MANIFEST_NAME
    if not manifest.is_file() or not (folder / WEIGHTS_NAME).is_file():
        return None
    try:
        data = read_config_json(manifest)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("family") not in FAMILIES:
        return None
    return data


def discover_builtin_models(models_dir: Path | None = None) -> list[ModelInfo]:
    """List the built-in models in ``models_dir``; the default one comes first.

    Parameters
    ----------
    models_dir
        Folder to scan; :func:`default_models_dir` when ``None``.
    """
    root = models_dir or default_models_dir()
    if not root.is_dir():
        return []
    found: list[tuple[bool, ModelInfo] | None] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        try:
            found.append(_describe(folder))
        except (OSError, ValueError, TypeError, KeyError) as exc:
            # One odd folder beside the shipped ones must not hide them (issue 10).
            log.info("not a usable built-in model, skipped: %s (%s)", folder, exc)
    described = [pair for pair in found if pair is not None]
    described.sort(key=lambda pair: not pair[0])
    return [info for _, info in described]


def _describe(folder: Path) -> tuple[bool, ModelInfo] | None:
    manifest = read_manifest(folder)
    if manifest is None:
        return None
    size = int(manifest.get("image_size", 64))
    if not 8 <= size <= 4096:
        raise ValueError(f"image_size {size} is not plausible")
    info = ModelInfo(
        id=str(manifest.get("name", f"builtin-{manifest['family']}")),
        name=str(manifest.get("display_name", folder.name)),
        family=ModelFamily.BUILTIN,
        source=ModelSource.BUILTIN,
        format=ModelFormat.BUILTIN,
        location=str(folder),
        size_bytes=(folder / WEIGHTS_NAME).stat().st_size,
        default_size=(size, size),
        controls=FAMILY_CONTROLS[manifest["family"]],
        edits=family_edits(manifest["family"]),
    )
    return bool(manifest.get("default", False)), info
