"""Finding an add-on (a LoRA or an embedding) by the name a prompt gives it.

The one place names resolve, :func:`resolve_addon`: it looks in the add-on folders that the
tools artists already use keep beside their checkpoints (A1111/Forge ``models/Lora``,
``models/LyCORIS``, ``embeddings``; ComfyUI ``models/loras``, ``models/embeddings``), under each
root it is given (the configured model folders and the folders above the loaded model). A name
is a file stem, as in A1111's ``<lora:NAME>``; subfolders count, the way A1111 lists them.
Scans are bounded, so a folder of 10,000 files or a symlink loop costs little and never hangs.
When the model registry learns add-on kinds, this function is the one to point at it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

from studio.domain.errors import ModelNotFoundError
from studio.engine.safe_load import MODEL_FILE_SUFFIXES

AddonKind = Literal["lora", "embedding"]

# Folder names per kind, as A1111/Forge, ComfyUI and InvokeAI name them (matched ignoring case).
ADDON_FOLDERS: dict[AddonKind, tuple[str, ...]] = {
    "lora": ("Lora", "loras", "LyCORIS"),
    "embedding": ("embeddings", "textual_inversion"),
}
# How many folders above a root may hold the add-on folders (A1111 keeps ``embeddings`` at the
# install root, two levels above ``models/Stable-diffusion/x.safetensors``).
MAX_ROOT_DEPTH = 3
MAX_SUBFOLDER_DEPTH = 4
MAX_ENTRIES = 20_000
_LABELS: dict[AddonKind, str] = {"lora": "LoRA", "embedding": "embedding"}


def addon_roots(paths: Iterable[str | Path]) -> list[Path]:
    """The folders to look in: each path (its folder, for a file) and up to 3 folders above."""
    roots: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        folder = path if path.is_dir() else path.parent
        for candidate in [folder, *folder.parents][: MAX_ROOT_DEPTH + 1]:
            if candidate not in roots:
                roots.append(candidate)
    return roots


def addon_folders(kind: AddonKind, roots: Iterable[Path]) -> list[Path]:
    """The existing add-on folders of ``kind`` directly under each root or its ``models``."""
    wanted = {name.casefold() for name in ADDON_FOLDERS[kind]}
    folders: list[Path] = []
    for root in roots:
        for parent in (root, root / "models"):
            for entry in _children(parent, limit=MAX_ENTRIES):
                path = Path(entry.path)
                if entry.name.casefold() in wanted and entry.is_dir() and path not in folders:
                    folders.append(path)
    return folders


def list_addons(kind: AddonKind, roots: Iterable[Path]) -> dict[str, Path]:
    """File stem -> file of every add-on of ``kind`` (the first found wins for a stem)."""
    found: dict[str, Path] = {}
    budget = [MAX_ENTRIES]
    for folder in addon_folders(kind, roots):
        for path in _model_files(folder, MAX_SUBFOLDER_DEPTH, budget):
            found.setdefault(path.stem, path)
    return found


def resolve_addon(kind: AddonKind, name: str, roots: Iterable[Path]) -> Path:
    """The file of the add-on ``name`` (a file stem; case is ignored when nothing matches exactly).

    Raises
    ------
    ModelNotFoundError
        One line naming the add-on and the folders looked in.
    """
    roots = list(roots)
    available = list_addons(kind, roots)
    if name in available:
        return available[name]
    folded = {stem.casefold(): path for stem, path in reversed(available.items())}
    if name.casefold() in folded:
        return folded[name.casefold()]
    folders = addon_folders(kind, roots)
    where = ", ".join(str(f) for f in folders[:4]) or (
        "none found (no " + "/".join(ADDON_FOLDERS[kind]) + " folder beside the models)"
    )
    raise ModelNotFoundError(
        f"no {_LABELS[kind]} named {name!r} in the model folders: {where}. Put the file in one "
        "of them, or add the folder that holds it with studio models --add DIR."
    )


def _children(folder: Path, limit: int) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return [entry for _, entry in zip(range(limit), entries, strict=False)]
    except OSError:
        return []


def _model_files(folder: Path, depth: int, budget: list[int]) -> Iterator[Path]:
    """Model files under ``folder`` in name order, at most ``depth`` levels, ``budget`` entries."""
    entries = sorted(_children(folder, budget[0]), key=lambda e: e.name)
    budget[0] -= len(entries)
    subfolders = []
    for entry in entries:
        try:
            if entry.is_file() and Path(entry.name).suffix.lower() in MODEL_FILE_SUFFIXES:
                yield Path(entry.path)
            elif entry.is_dir(follow_symlinks=False) and depth > 0:
                subfolders.append(Path(entry.path))
        except OSError:
            continue
    for subfolder in subfolders:
        if budget[0] <= 0:
            return
        yield from _model_files(subfolder, depth - 1, budget)
