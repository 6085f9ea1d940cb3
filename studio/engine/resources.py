"""Where Studio's shipped files live: ``resources/`` (SD configs, CLIP tokenizer, style sample,
icons) and ``models/`` (the built-in models).

In a source checkout they sit next to the package; an installed Studio finds them under
``<prefix>/share/studio/`` (setup.py installs them there). ``$STUDIO_RESOURCES`` and
``$STUDIO_BUILTIN_MODELS`` override each.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_RESOURCES_DIR = "STUDIO_RESOURCES"
SD_CONFIG_NAMES = ("sd1", "sd2", "sd2-base", "sdxl")


ENV_MODELS_DIR = "STUDIO_BUILTIN_MODELS"


def _shipped_dir(name: str, env_var: str) -> Path:
    override = os.environ.get(env_var)
    if override:
        return Path(override)
    source_tree = Path(__file__).resolve().parents[2] / name
    if source_tree.is_dir():
        return source_tree
    return Path(sys.prefix) / "share" / "studio" / name


def resources_dir() -> Path:
    """Folder holding ``sd_configs/``, ``tokenizers/``, ``style/`` and ``icons/``."""
    return _shipped_dir("resources", ENV_RESOURCES_DIR)


def builtin_models_dir() -> Path:
    """Folder holding the built-in models, one sub-folder each."""
    return _shipped_dir("models", ENV_MODELS_DIR)


def sd_config_dir(name: str) -> Path:
    """The shipped diffusers-layout config folder for ``name`` (``sd1``, ``sd2``, ``sdxl``...)."""
    if name not in SD_CONFIG_NAMES:
        raise ValueError(f"no shipped config named {name!r}")
    return resources_dir() / "sd_configs" / name


def clip_vocab_dir() -> Path:
    """Folder with the shared CLIP ``vocab.json`` and ``merges.txt``."""
    return resources_dir() / "tokenizers" / "clip"
