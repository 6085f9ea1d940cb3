"""Where preset thumbnails live on disk, found without torch.

Studio ships the thumbnails of the packaged style network in
``resources/style/style-thumbnails``, in a folder named like the cache's (size, render version,
hash of the network's ONNX file): a fresh install shows the preset gallery without importing
torch or rendering 26 images, and a different network (a newer package) simply finds no shipped
folder and renders into the cache.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from studio.engine.model_hash import file_sha256
from studio.engine.resources import resources_dir
from studio.engine.style.paths import package_models_dir
from studio.engine.style.presets import PRESET_NAMES

THUMBNAILS_FOLDER = "style-thumbnails"
RENDER_VERSION = 1
MULTISTYLE_ONNX = "multistyle26.onnx"


def thumbnail_folder(root: Path, size: int) -> Path:
    """``root/style-thumbnails/{size}px-v{version}-{network hash}``."""
    onnx = package_models_dir() / MULTISTYLE_ONNX
    digest = file_sha256(onnx)[:12]
    return root / THUMBNAILS_FOLDER / f"{size}px-v{RENDER_VERSION}-{digest}"


def thumbnail_path(folder: Path, index: int) -> Path:
    """The file of preset ``index`` in a thumbnail folder."""
    return folder / f"preset-{index:02d}.png"


def is_valid(path: Path, size: int) -> bool:
    """Whether ``path`` is a readable ``size`` x ``size`` image."""
    try:
        with Image.open(path) as image:
            image.load()
            return image.size == (size, size)
    except (OSError, SyntaxError, ValueError):
        return False


def shipped_thumbnails(size: int) -> dict[int, Path] | None:
    """The shipped thumbnails of every preset at ``size``, or ``None`` if any is missing."""
    try:
        folder = thumbnail_folder(resources_dir() / "style", size)
    except OSError:  # the style network's package is missing: the caller reports it
        return None
    paths = {index: thumbnail_path(folder, index) for index in range(len(PRESET_NAMES))}
    # The header is enough for files Studio shipped: decoding all 26 here would be start-up
    # work done twice (the gallery decodes them anyway).
    return paths if all(_header_size(path) == (size, size) for path in paths.values()) else None


def _header_size(path: Path) -> tuple[int, int] | None:
    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, SyntaxError, ValueError):
        return None
