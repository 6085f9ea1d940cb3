"""The files and folders a user added (settings' ``model_paths``), listed by kind.

A path is one model (a file, a diffusers pipeline, a built-in-format folder) or a folder to
walk (:func:`.scan.scan_folder`). One odd path never hides the others: whatever goes wrong
with it becomes a line in :attr:`Listing.problems`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from studio.domain.errors import StudioError
from studio.domain.model_kind import AddonInfo
from studio.domain.models import ModelInfo, ModelSource
from studio.engine.builtin import default_models_dir, discover_builtin_models, read_manifest
from studio.engine.model_folders.files import describe_file, pipeline_info
from studio.engine.model_folders.scan import scan_folder
from studio.engine.sd import pipeline_folder

log = logging.getLogger(__name__)


@dataclass
class Listing:
    """Everything the user's paths hold: checkpoints, add-ons, and one line per problem."""

    checkpoints: list[ModelInfo] = field(default_factory=list)
    addons: list[AddonInfo] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def scan_user_paths(paths: tuple[str, ...], builtin_dir: Path | None) -> Listing:
    """List every model under ``paths``, in the order the user added them."""
    listing = Listing()
    for raw in paths:
        path = Path(raw).expanduser()
        try:
            _add_path(listing, path, builtin_dir)
        except StudioError as exc:
            listing.problems.append(str(exc))
        except OSError as exc:
            listing.problems.append(f"Cannot read {path}: {exc.strerror or exc}.")
        except Exception:  # one odd path must never hide every other model (issue 10)
            log.warning("skipping model %s after an unexpected error", path, exc_info=True)
            listing.problems.append(f"{path} was skipped after an unexpected error (see the log).")
    return listing


def _add_path(listing: Listing, path: Path, builtin_dir: Path | None) -> None:
    if path.is_file():
        found = describe_file(path.resolve())
        if isinstance(found, AddonInfo):
            listing.addons.append(found)
        else:
            listing.checkpoints.append(found)
    elif path.is_dir():
        single = folder_model(path.resolve(), builtin_dir)
        if single is not None:
            listing.checkpoints.append(single)
            return
        scan = scan_folder(path.resolve())
        listing.checkpoints += scan.checkpoints
        listing.addons += scan.addons
        listing.problems += scan.problems
        skipped = scan.skipped_line()
        if skipped:
            listing.problems.append(skipped)


def folder_model(folder: Path, builtin_dir: Path | None) -> ModelInfo | None:
    """The model a folder *is* (a diffusers pipeline or a built-in model), else ``None``.

    A folder in the built-in format outside the shipped models folder is the user's: its id is
    its path, never the manifest's name, so it can never be swapped for the shipped model of
    the same name when a request is resolved again (issue 10).
    """
    if pipeline_folder.is_pipeline_folder(folder):
        return pipeline_info(folder)
    if read_manifest(folder) is None:
        return None
    builtins = discover_builtin_models(folder.parent)
    info = next((m for m in builtins if m.location == str(folder)), None)
    shipped_dir = (builtin_dir or default_models_dir()).resolve()
    if info is None or folder.parent.resolve() == shipped_dir:
        return info
    return replace(info, id=str(folder), source=ModelSource.USER)
