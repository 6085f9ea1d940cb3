"""Where Studio's shipped resources live: SD configs and the CLIP tokenizer.

In a source checkout they sit in ``resources/`` next to the package; an installed Studio finds
them under ``<prefix>/share/studio/resources``. ``$STUDIO_RESOURCES`` overrides both.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_RESOURCES_DIR = "STUDIO_RESOURCES"
SD_CONFIG_NAMES = ("sd1", "sd2", "sd2-base", "sdxl")


def resources_dir() -> Path:
    """Folder holding ``sd_configs/`` and ``tokenizers/``."""
    override = os.environ.get(ENV_RESOURCES_DIR)
    if override:
        return Path(override)
    source_tree = Path(__file__).resolve().parents[2] / "resources"
    if source_tree.is_dir():
        return source_tree
    return Path(sys.prefix) / "share" / "studio" / "resources"


def sd_config_dir(name: str) -> Path:
    """The shipped diffusers-layout config folder for ``name`` (``sd1``, ``sd2``, ``sdxl``...)."""
    if name not in SD_CONFIG_NAMES:
        raise ValueError(f"no shipped config named {name!r}")
    return resources_dir() / "sd_configs" / name


def clip_vocab_dir() -> Path:
    """Folder with the shared CLIP ``vocab.json`` and ``merges.txt``."""
    return resources_dir() / "tokenizers" / "clip"
