"""Which upscaler file a name or a path means: the one lookup, so it can move to the registry.

Today an upscaler is a path, or a name found in the upscaler folders of the configured model
folders, under the names A1111/Forge (``ESRGAN``, ``RealESRGAN``), ComfyUI (``upscale_models``)
and Studio (``upscalers``) give them. Names are looked up by trying the few file names they can
mean, never by listing a folder, so a folder of 10,000 files costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from studio.domain.errors import ModelNotFoundError
from studio.domain.settings import EngineSettings
from studio.engine.safe_load import MODEL_FILE_SUFFIXES

UPSCALER_FOLDERS = ("upscalers", "ESRGAN", "RealESRGAN", "upscale_models")
# A model folder may be an install's root, its models/ folder or the upscaler folder itself.
_PREFIXES = ("", "models")
_LISTED = 8  # names the "not found" line offers


def resolve_upscaler(name_or_path: str, settings: EngineSettings) -> Path:
    """The upscaler file ``name_or_path`` means.

    Parameters
    ----------
    name_or_path
        A file path (``.pth``, ``.safetensors``...), or a file's name with or without its
        suffix (``4x-UltraSharp``), looked up in :func:`upscaler_folders`.
    settings
        The engine settings whose ``model_paths`` hold the folders.

    Raises
    ------
    ModelNotFoundError
        One line naming what was asked, where it was looked for and what is there.
    """
    text = name_or_path.strip()
    path = Path(text).expanduser()
    if path.suffix.lower() in MODEL_FILE_SUFFIXES or len(path.parts) > 1:
        if path.is_file():
            return path
        raise ModelNotFoundError(f"Upscaler file {text} does not exist: check the path.")
    folders = list(upscaler_folders(settings))
    for folder in folders:
        for candidate in _candidates(folder, text):
            if candidate.is_file():
                return candidate
    raise ModelNotFoundError(_not_found(text, folders))


def upscaler_folders(settings: EngineSettings) -> Iterator[Path]:
    """The upscaler folders inside the configured model folders that exist."""
    for root in dict.fromkeys(Path(p).expanduser() for p in settings.model_paths):
        if root.name in UPSCALER_FOLDERS and root.is_dir():
            yield root
        for prefix in _PREFIXES:
            for name in UPSCALER_FOLDERS:
                folder = root / prefix / name
                if folder.is_dir():
                    yield folder


def _candidates(folder: Path, name: str) -> Iterator[Path]:
    yield folder / name
    for suffix in sorted(MODEL_FILE_SUFFIXES):
        yield folder / f"{name}{suffix}"


def _not_found(name: str, folders: list[Path]) -> str:
    if not folders:
        return (
            f"No upscaler named {name!r}: no model folder has an upscaler folder "
            f"({', '.join(UPSCALER_FOLDERS)}). Give the file's path, or add the folder that "
            "holds it with studio models --add DIR."
        )
    # Bounded: the first few files of each folder, never a whole listing.
    found = [stem for folder in folders for stem in _some_names(folder)][:_LISTED]
    offer = f" Found: {', '.join(found)}." if found else " They hold no upscaler files."
    where = ", ".join(str(folder) for folder in folders[:3])
    return f"No upscaler named {name!r} in {where}.{offer} Give a name or the file's path."


def _some_names(folder: Path) -> list[str]:
    try:
        entries = list(islice(folder.iterdir(), 200))
    except OSError:
        return []
    return [entry.stem for entry in entries if entry.suffix.lower() in MODEL_FILE_SUFFIXES]
