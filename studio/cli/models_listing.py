"""How ``studio models`` words what it found: the add-on table, skipped files, added paths."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from studio.domain.model_kind import AddonInfo, ModelKind
from studio.domain.models import ModelInfo

if TYPE_CHECKING:
    from studio.engine.model_folders.scan import FolderScan
    from studio.engine.registry import ModelRegistry

MAX_PROBLEM_LINES = 20  # a folder of broken files gets a screenful, then a count


def print_addons(addons: list[AddonInfo], problems: list[str]) -> None:
    """The add-ons by kind with their family and path, then one line per skipped file."""
    if addons:
        width = max(len(a.name) for a in addons) + 2
        print(f"\n{'ADD-ON':<{width}}  {'KIND':<12} {'FAMILY':<7} {'FORMAT':<15} LOCATION")
        for addon in sorted(addons, key=lambda a: (list(ModelKind).index(a.kind), a.name)):
            detail = addon.detail or "-"
            kind = addon.kind.value
            print(f"{addon.name:<{width}}  {kind:<12} {addon.family_text():<7} {detail:<15} "
                  f"{addon.location}")  # fmt: skip
    for problem in problems[:MAX_PROBLEM_LINES]:
        print(f"skipped: {problem}")
    if len(problems) > MAX_PROBLEM_LINES:
        print(f"skipped: {len(problems) - MAX_PROBLEM_LINES:,} more files (see above for how)")


def addition_line(added: ModelInfo | AddonInfo | FolderScan) -> tuple[str, str]:
    """The path ``--add`` remembers and the line it prints."""
    if isinstance(added, ModelInfo):
        line = f"added {added.name} ({added.family.value}, {added.format.value}): {added.location}"
        return added.location, line
    if isinstance(added, AddonInfo):
        line = f"added {added.name} ({added.kind.value}, {added.family_text()}): {added.location}"
        return added.location, line
    found = _counted(added.checkpoints, added.addons)
    skipped = len(added.problems) + added.skipped
    tail = f"; {skipped:,} files skipped (listed by `studio models`)" if skipped else ""
    return str(added.root), f"added {added.root} ({added.tool}): {found}{tail}"


def rescan_line(registry: ModelRegistry) -> str:
    """What a fresh scan of every added path found."""
    paths = len(registry.settings.model_paths)
    found = _counted(registry.models(), registry.addons())
    return f"rescanned {paths} added paths; Studio sees {found}; {len(registry.problems())} skipped"


def _counted(checkpoints: list[ModelInfo], addons: list[AddonInfo]) -> str:
    counts = Counter(a.kind for a in addons)
    parts = [f"{len(checkpoints)} checkpoint{'s' if len(checkpoints) != 1 else ''}"]
    parts += [f"{counts[kind]} {kind.value}" for kind in ModelKind if counts.get(kind)]
    return ", ".join(parts)
