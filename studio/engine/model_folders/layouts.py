"""Where the artist's other tools keep each kind of model, read as the tools lay them out.

An added folder may be an A1111/Forge install, a ComfyUI install (with its
``extra_model_paths.yaml``), an InvokeAI models folder, or any plain folder. Each becomes a
list of folders to walk with the kind the tool keeps there; the file's own tensor names still
decide its kind (a LoRA dropped into the checkpoints folder is listed as a LoRA).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import yaml

from studio.domain.errors import ModelLoadError, StudioError
from studio.domain.files import read_user_text
from studio.domain.model_kind import ModelKind

log = logging.getLogger(__name__)

A1111_FOLDERS: dict[str, ModelKind] = {
    "models/Stable-diffusion": ModelKind.CHECKPOINT,
    "models/Lora": ModelKind.LORA,
    "models/LyCORIS": ModelKind.LORA,
    "embeddings": ModelKind.EMBEDDING,
    "models/ESRGAN": ModelKind.UPSCALER,
    "models/RealESRGAN": ModelKind.UPSCALER,
    "models/SwinIR": ModelKind.UPSCALER,
    "models/DAT": ModelKind.UPSCALER,
    "models/HAT": ModelKind.UPSCALER,
    "models/ControlNet": ModelKind.CONTROLNET,
    "models/VAE": ModelKind.VAE,
}
# ComfyUI's folder names, also the keys of a section of extra_model_paths.yaml.
COMFY_KINDS: dict[str, ModelKind] = {
    "checkpoints": ModelKind.CHECKPOINT,
    "loras": ModelKind.LORA,
    "embeddings": ModelKind.EMBEDDING,
    "upscale_models": ModelKind.UPSCALER,
    "controlnet": ModelKind.CONTROLNET,
    "vae": ModelKind.VAE,
    "ipadapter": ModelKind.IP_ADAPTER,
}
INVOKE_BASES = ("sd-1", "sd-2", "sdxl", "sdxl-refiner", "any")
INVOKE_KINDS: dict[str, ModelKind] = {
    "main": ModelKind.CHECKPOINT,
    "lora": ModelKind.LORA,
    "embedding": ModelKind.EMBEDDING,
    "controlnet": ModelKind.CONTROLNET,
    "vae": ModelKind.VAE,
    "ip_adapter": ModelKind.IP_ADAPTER,
}
EXTRA_PATHS_FILE = "extra_model_paths.yaml"
_MAX_YAML_BYTES = 1024 * 1024


@dataclass(frozen=True)
class KindFolder:
    """A folder to walk, and the kind its tool keeps there (``None``: any kind)."""

    path: Path
    kind: ModelKind | None


@dataclass(frozen=True)
class Layout:
    """How an added folder is laid out: the tool's name, its folders, and lines to show."""

    tool: str
    folders: tuple[KindFolder, ...]
    problems: tuple[str, ...] = ()


def folder_layout(root: Path) -> Layout:
    """The layout of ``root``: a known tool's install, or a plain folder walked whole.

    A tool's checkpoint folder added on its own (``models/Stable-diffusion`` of an A1111
    install, ``models/checkpoints`` of ComfyUI) brings the install's add-on folders with it, so
    a ``<lora:NAME>`` in a prompt finds the LoRAs that tool keeps beside those checkpoints.
    """
    install = _install_of_checkpoint_folder(root)
    if install is not None:
        whole = folder_layout(install)
        addons = tuple(f for f in whole.folders if f.kind is not ModelKind.CHECKPOINT)
        return Layout(
            f"checkpoints folder of an {whole.tool}",
            (KindFolder(root, ModelKind.CHECKPOINT), *addons),
            whole.problems,
        )
    if (root / "models" / "Stable-diffusion").is_dir():
        return Layout("A1111/Forge install", _existing(root, A1111_FOLDERS))
    if any((root / "models" / name).is_dir() for name in ("checkpoints", "loras")):
        folders = _existing(root / "models", COMFY_KINDS)
        extra, problems = extra_model_paths(root / EXTRA_PATHS_FILE)
        return Layout("ComfyUI install", folders + extra, problems)
    invoke_root = root / "models" if (root / "models").is_dir() else root
    if any((invoke_root / base).is_dir() for base in INVOKE_BASES):
        return Layout("InvokeAI models folder", _invoke_folders(invoke_root))
    return Layout("folder", (KindFolder(root, None),))


def install_around(path: Path, levels: int = 4) -> Path | None:
    """The A1111/Forge, ComfyUI or InvokeAI install a model file or folder sits in, if any.

    Looked for up to ``levels`` folders above ``path`` (A1111 keeps checkpoints in
    ``<install>/models/Stable-diffusion/<sub>/``), so a model given by its path finds the
    add-ons its tool keeps beside it.
    """
    for folder in list(path.parents)[:levels]:
        try:
            if (
                folder_layout(folder).tool != "folder"
                and _install_of_checkpoint_folder(folder) is None
            ):
                return folder
        except OSError:
            return None
    return None


def _install_of_checkpoint_folder(root: Path) -> Path | None:
    """The install above ``root`` when ``root`` is its checkpoint folder, else ``None``."""
    if root.parent.name.casefold() != "models":
        return None
    name = root.name.casefold()
    install = root.parent.parent
    if name == "stable-diffusion" or (name == "checkpoints" and (root.parent / "loras").is_dir()):
        return install
    return None


def _existing(root: Path, kinds: dict[str, ModelKind]) -> tuple[KindFolder, ...]:
    return tuple(
        KindFolder(root / name, kind) for name, kind in kinds.items() if (root / name).is_dir()
    )


def _invoke_folders(root: Path) -> tuple[KindFolder, ...]:
    return tuple(
        KindFolder(root / base / name, kind)
        for base in INVOKE_BASES
        for name, kind in INVOKE_KINDS.items()
        if (root / base / name).is_dir()
    )


def extra_model_paths(path: Path) -> tuple[tuple[KindFolder, ...], tuple[str, ...]]:
    """The folders ComfyUI's ``extra_model_paths.yaml`` adds, and a line if it is unreadable.

    Each section has a ``base_path`` (relative paths are read from the file's folder, as
    ComfyUI does) and one folder, or several on separate lines, per model type.
    """
    if not path.is_file():
        return (), ()
    try:
        data = yaml.safe_load(
            read_user_text(
                path, max_bytes=_MAX_YAML_BYTES, what="model paths file", error=ModelLoadError
            )
        )
    except (StudioError, yaml.YAMLError, RecursionError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return (), (
            f"{path.name} is not readable YAML ({reason[:120]}): its folders are not listed.",
        )
    if not isinstance(data, dict):
        return (), ()
    folders: list[KindFolder] = []
    for section in data.values():
        if isinstance(section, dict):
            folders += _section_folders(section, path.parent)
    return tuple(folders), ()


def _section_folders(section: dict[object, object], here: Path) -> list[KindFolder]:
    base_text = section.get("base_path")
    base = here / Path(base_text).expanduser() if isinstance(base_text, str) else here
    found = []
    for key, value in section.items():
        kind = COMFY_KINDS.get(str(key))
        if kind is None or not isinstance(value, str):
            continue
        for line in value.splitlines():
            folder = base / line.strip() if line.strip() else None
            if folder is not None and folder.is_dir():
                found.append(KindFolder(folder, kind))
    return found
