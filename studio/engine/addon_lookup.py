"""Finding an add-on (a LoRA, an embedding, an upscaler) by the name a prompt or an option gives.

The one place names resolve. The index is the model registry
(:class:`studio.engine.registry.ModelRegistry`): it knows the folders the user added and how
A1111/Forge, ComfyUI and InvokeAI lay them out (:mod:`studio.engine.model_folders`), and tells
each file's kind from its tensor names. A name is a file stem, as A1111 writes ``<lora:NAME>``
(case is forgiven); a path is taken as it is. A name not found triggers one rescan, so a file
dropped into a folder while Studio runs is found without a restart.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from studio.domain.errors import ModelNotFoundError
from studio.domain.files import require_regular_file
from studio.domain.model_kind import AddonInfo, ModelKind, kind_label
from studio.engine.safe_load import MODEL_FILE_SUFFIXES

_OFFERED = 8  # names a "not found" line offers


class AddonIndex(Protocol):
    """What finding add-ons needs of the registry."""

    def addons(self, kind: ModelKind | None = None) -> list[AddonInfo]: ...

    def find(self, kind: ModelKind, name: str) -> AddonInfo | None: ...

    def refresh(self) -> object: ...

    def problems(self) -> list[str]: ...


class NoAddons:
    """An index with nothing in it: a backend built without the registry (benchmarks, tests)."""

    def addons(self, kind: ModelKind | None = None) -> list[AddonInfo]:
        return []

    def find(self, kind: ModelKind, name: str) -> AddonInfo | None:
        return None

    def refresh(self) -> object:
        return None

    def problems(self) -> list[str]:
        return []


def resolve_addon(index: AddonIndex, kind: ModelKind, name: str) -> Path:
    """The file of the add-on of ``kind`` that ``name`` means: a path, or a name in the index.

    Raises
    ------
    ModelNotFoundError
        One line naming what was asked, a few names of that kind that exist, and what to do.
    """
    text = name.strip()
    path = Path(text).expanduser()
    if path.suffix.lower() in MODEL_FILE_SUFFIXES or len(path.parts) > 1:
        if path.is_file():
            return path
        if path.exists():  # a FIFO, a device or a folder: say what it is, never open it
            require_regular_file(path, ModelNotFoundError)
            raise ModelNotFoundError(f"{text} is a folder: give the {kind_label(kind)} file in it.")
        raise ModelNotFoundError(
            f"The {kind_label(kind)} file {text} does not exist: check the path."
        )
    found = index.find(kind, text)
    if found is None:
        index.refresh()  # a file dropped into an added folder since the last scan
        found = index.find(kind, text)
    if found is None:
        raise ModelNotFoundError(_not_found(index, kind, text))
    return Path(found.location)


def find_addons(
    index: AddonIndex, kind: ModelKind, fits: Callable[[AddonInfo], bool]
) -> list[AddonInfo]:
    """The add-ons of ``kind`` that ``fits`` accepts, rescanning once when there are none.

    The caller picks among them (by name, by variant) and words the "none" line, which knows
    what the add-on was wanted for.
    """
    found = [addon for addon in index.addons(kind) if fits(addon)]
    if not found:
        index.refresh()  # a file dropped into an added folder since the last scan
        found = [addon for addon in index.addons(kind) if fits(addon)]
    return found


def addon_files(index: AddonIndex, kind: ModelKind) -> dict[str, Path]:
    """Name -> file of every add-on of ``kind`` in the index (the first found wins a name)."""
    files: dict[str, Path] = {}
    for addon in index.addons(kind):
        files.setdefault(addon.name, Path(addon.location))
    return files


def _not_found(index: AddonIndex, kind: ModelKind, name: str) -> str:
    names = [addon.name for addon in index.addons(kind)][:_OFFERED]
    label = kind_label(kind)
    skipped = _skip_reason(index, name)
    if skipped is not None:  # the file is there: "none" would send the user looking for it
        return (
            f"No usable {label} named {name!r}: the model folders skipped its file ({skipped}). "
            "Replace or repair the file, or give another file's path."
        )
    if not names:
        return (
            f"No {label} named {name!r}: the model folders hold none. Add the folder that "
            "holds it (File > Add Model Folder, or studio models --add DIR), or give its path."
        )
    return (
        f"No {label} named {name!r} in the model folders. Found: {', '.join(names)}. "
        "Check the name (studio models lists them), or give the file's path."
    )


def _skip_reason(index: AddonIndex, name: str) -> str | None:
    """The scan's line for a model file of stem ``name`` it skipped, or ``None``.

    The scan keeps one line per skipped file, naming it (``NAME.safetensors is a named
    pipe...``, ``Cannot read NAME.pt: ...``); the file name is matched whole, case forgiven.
    """
    suffixes = "|".join(re.escape(suffix) for suffix in MODEL_FILE_SUFFIXES)
    pattern = re.compile(rf"(?<![\w.-]){re.escape(name)}(?:{suffixes})\b", re.IGNORECASE)
    for line in index.problems():
        if pattern.search(line):
            return line.strip().rstrip(".").replace("\n", " ")
    return None
