"""How ``studio models`` words what it found: the add-on table, skipped files, added paths."""

from __future__ import annotations

from typing import TYPE_CHECKING

from studio.domain.model_addition import ModelAddition, count_text
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


def addition_line(added: ModelInfo | AddonInfo | FolderScan, path: str) -> tuple[str, str]:
    """The path ``--add`` remembers and the line it prints: the window's notice, worded once
    (:meth:`~studio.domain.model_addition.ModelAddition.summary`), after the path."""
    from studio.engine.model_folders.addition import model_addition

    addition = model_addition(added, path)
    return addition.location, f"added {addition.location} ({addition.summary()})"


def rescan_line(registry: ModelRegistry) -> str:
    """What a fresh scan of every added path found."""
    paths = len(registry.settings.model_paths)
    seen = ModelAddition("", "", tuple(registry.models()), tuple(registry.addons()))
    found = ", ".join(count_text(kind, n) for kind, n in seen.counts().items())
    return f"rescanned {paths} added paths; Studio sees {found}; {len(registry.problems())} skipped"
