"""Every model Studio can offer: built-in, added by the user, or in the Hugging Face cache.

Listing reads only headers and small JSON files (no torch), so it is fast enough to run each
time the model menu opens. Results are cached until :meth:`ModelRegistry.refresh` or a settings
change; a name that is not found triggers one fresh scan before giving up.
"""

from __future__ import annotations

import errno
import logging
import os
import threading
from dataclasses import replace
from pathlib import Path

from studio.domain.errors import ModelLoadError, ModelNotFoundError, StudioError
from studio.domain.files import require_regular_file
from studio.domain.models import ModelFamily, ModelFormat, ModelInfo, ModelSource
from studio.domain.settings import EngineSettings
from studio.engine.builtin import default_models_dir, discover_builtin_models, read_manifest
from studio.engine.sd import pipeline_folder
from studio.engine.sd.hf_cache import find_cached_pipeline, scan_hf_pipelines
from studio.engine.sd.model_files import inspect_model_file

log = logging.getLogger(__name__)

SD_FAMILIES = frozenset({ModelFamily.SD1, ModelFamily.SD2, ModelFamily.SDXL})
SCANNED_SUFFIXES = frozenset({".safetensors", ".ckpt"})
_LISTED_IN_ERRORS = 8
_SHOWN_PATH_CHARS = 160  # a path in a message is shortened in the middle beyond this


class ModelRegistry:
    """Finds, describes and resolves models.

    Parameters
    ----------
    settings
        Where to look: ``model_paths``, ``builtin_models_dir``, ``scan_hf_cache`` and
        ``hf_cache_dir``.
    """

    def __init__(self, settings: EngineSettings) -> None:
        self._settings = settings
        self._cached: list[ModelInfo] | None = None
        self._lock = threading.Lock()

    @property
    def settings(self) -> EngineSettings:
        return self._settings

    def update_settings(self, settings: EngineSettings) -> None:
        """Use new settings; the next listing rescans."""
        with self._lock:
            self._settings = settings
            self._cached = None

    def refresh(self) -> list[ModelInfo]:
        """Rescan every source and return the fresh list."""
        models = self._scan()
        with self._lock:
            self._cached = models
        return list(models)

    def models(self) -> list[ModelInfo]:
        """Built-in models first (the default one leading), then user models, then HF cache."""
        with self._lock:
            cached = self._cached
        return list(cached) if cached is not None else self.refresh()

    def default(self) -> ModelInfo | None:
        """The built-in default model if there is one, else the first Stable Diffusion model."""
        models = self.models()
        builtin = [m for m in models if m.source is ModelSource.BUILTIN]
        if builtin:
            return builtin[0]
        return next((m for m in models if m.family in SD_FAMILIES), None)

    def resolve(self, name_or_path: str) -> ModelInfo:
        """Find the model a request names.

        Parameters
        ----------
        name_or_path
            Empty for the default model, a model id, a display name (any case), a path to a
            model file or folder (registered or not), or a Hugging Face repo id in the cache.

        Raises
        ------
        ModelNotFoundError
            If nothing matches; the message lists what is available and how to add a model.
        ModelLoadError
            If the name is a path to a file that is not a usable model.
        """
        text = (name_or_path or "").strip()
        if not text:
            return self._default_or_raise()
        found = _match(text, self.models()) or _match(text, self.refresh())
        if found is not None:
            return found
        path = Path(text).expanduser()
        if path_exists(path):
            return self.inspect_path(path)
        if text.count("/") == 1 and not text.startswith(("/", ".")):
            cached = find_cached_pipeline(text, self._settings.hf_cache_dir)
            if cached is not None:
                return cached
        raise ModelNotFoundError(_not_found_message(text, self.models()))

    def inspect_path(self, path: str | Path) -> ModelInfo:
        """Validate a file or folder the user wants to add and describe it.

        A plain folder (neither a pipeline nor a built-in model) is scanned one level deep and
        the first model in it is returned.

        Raises
        ------
        ModelNotFoundError
            If the path does not exist or a folder holds no model.
        DamagedModelError, UnsafeModelError, ModelLoadError
            If the file is broken, would run code, or is not a supported model.
        """
        path = Path(path).expanduser()
        if not path_exists(path):
            raise ModelNotFoundError(
                f"{shown_path(path)} does not exist: check the path and try again."
            )
        require_regular_file(path, ModelLoadError)  # a FIFO or device would block or mislead
        path = path.resolve()
        if path.is_file():
            return inspect_model_file(path, deep=True)
        single = _folder_model(path, self._builtin_dir())
        if single is not None:
            return single
        found = _scan_folder(path)
        if not found:
            raise ModelNotFoundError(
                f"{path.name} holds no model: choose a .safetensors or .ckpt file, or a "
                "diffusers folder (one with model_index.json)."
            )
        return found[0]

    def _default_or_raise(self) -> ModelInfo:
        model = self.default()
        if model is None:
            self.refresh()
            model = self.default()
        if model is None:
            raise ModelNotFoundError(
                "No model is installed: add a Stable Diffusion .safetensors file or a diffusers "
                "folder to Studio's model paths."
            )
        return model

    def _builtin_dir(self) -> Path | None:
        raw = self._settings.builtin_models_dir
        return Path(raw) if raw else None

    def _scan(self) -> list[ModelInfo]:
        settings = self._settings
        models = list(discover_builtin_models(self._builtin_dir()))
        models += self._user_models()
        if settings.scan_hf_cache:
            models += scan_hf_pipelines(settings.hf_cache_dir)
        return _deduplicated(models)

    def _user_models(self) -> list[ModelInfo]:
        found: list[ModelInfo] = []
        for raw in self._settings.model_paths:
            path = Path(raw).expanduser()
            try:
                if path.is_file():
                    found.append(inspect_model_file(path.resolve(), deep=False))
                elif path.is_dir():
                    single = _folder_model(path.resolve(), self._builtin_dir())
                    found += [single] if single is not None else _scan_folder(path.resolve())
            except StudioError as exc:
                log.warning("skipping model %s: %s", path, exc)
            except OSError as exc:
                log.warning("cannot read model path %s: %s", path, exc)
            except Exception:  # one odd path must never hide every other model (issue 10)
                log.warning("skipping model %s after an unexpected error", path, exc_info=True)
        return found


def path_exists(path: Path) -> bool:
    """Whether something is at ``path`` (links followed); a path that cannot be followed is
    refused in one line naming it.

    ``Path.exists`` calls a symlink loop missing and raises on a name longer than the system
    allows (ENAMETOOLONG), which ended ``studio models --add`` in a bug exit.

    Raises
    ------
    ModelLoadError
        For a symlink loop (ELOOP), a path too long (ENAMETOOLONG) or another unreadable path.
    """
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except (OSError, ValueError) as exc:
        shown = shown_path(path)
        code = getattr(exc, "errno", None)
        if code == errno.ELOOP:
            raise ModelLoadError(
                f"{shown} is a symbolic link loop (or a chain of more links than the system "
                "follows): point to the model file or folder itself."
            ) from None
        if code == errno.ENAMETOOLONG:
            raise ModelLoadError(
                f"{shown} is a longer path than the system allows: move the model to a "
                "shorter path."
            ) from None
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ModelLoadError(f"Cannot read {shown}: {reason}.") from None
    return True


def shown_path(path: Path | str) -> str:
    """``path`` for a one-line message: shortened in the middle when it is very long."""
    text = str(path)
    if len(text) <= _SHOWN_PATH_CHARS:
        return text
    half = _SHOWN_PATH_CHARS // 2
    return f"{text[:half]}…{text[-half:]}"


def _folder_model(folder: Path, builtin_dir: Path | None) -> ModelInfo | None:
    """The model a folder *is* (a diffusers pipeline or a built-in model), else ``None``.

    A folder in the built-in format outside the shipped models folder is the user's: its id is
    its path, never the manifest's name, so it can never be swapped for the shipped model of
    the same name when a request is resolved again (issue 10).
    """
    if pipeline_folder.is_pipeline_folder(folder):
        return _pipeline_info(folder)
    if read_manifest(folder) is None:
        return None
    builtins = discover_builtin_models(folder.parent)
    info = next((m for m in builtins if m.location == str(folder)), None)
    shipped_dir = (builtin_dir or default_models_dir()).resolve()
    if info is None or folder.parent.resolve() == shipped_dir:
        return info
    return replace(info, id=str(folder), source=ModelSource.USER)


def _pipeline_info(folder: Path) -> ModelInfo:
    family = pipeline_folder.pipeline_family(folder)
    return ModelInfo(
        id=str(folder),
        name=folder.name,
        family=family,
        source=ModelSource.USER,
        format=ModelFormat.DIFFUSERS,
        location=str(folder),
        size_bytes=pipeline_folder.folder_size(folder),
        default_size=pipeline_folder.default_size(folder, family),
        is_turbo="turbo" in folder.name.lower(),
    )


def _scan_folder(folder: Path) -> list[ModelInfo]:
    found: list[ModelInfo] = []
    for child in sorted(folder.iterdir()):
        try:
            if child.is_file() and child.suffix.lower() in SCANNED_SUFFIXES:
                found.append(inspect_model_file(child, deep=False))
            elif child.is_dir() and pipeline_folder.is_pipeline_folder(child):
                found.append(_pipeline_info(child))
        except (StudioError, OSError, ValueError) as exc:
            log.info("not a usable model, skipped: %s (%s)", child, exc)
    return found


def _deduplicated(models: list[ModelInfo]) -> list[ModelInfo]:
    seen_ids: set[str] = set()
    seen_locations: set[str] = set()
    unique = []
    for model in models:
        if model.id in seen_ids or (model.location and model.location in seen_locations):
            continue
        seen_ids.add(model.id)
        if model.location:
            seen_locations.add(model.location)
        unique.append(model)
    return unique


def _match(text: str, models: list[ModelInfo]) -> ModelInfo | None:
    exact = next((m for m in models if m.id == text), None)
    if exact is not None:
        return exact
    folded = text.casefold()
    return next(
        (m for m in models if m.name.casefold() == folded or m.id.casefold() == folded), None
    )


def _not_found_message(text: str, models: list[ModelInfo]) -> str:
    if models:
        names = [m.name for m in models[:_LISTED_IN_ERRORS]]
        more = len(models) - len(names)
        available = ", ".join(names) + (f" and {more} more" if more > 0 else "")
    else:
        available = "none"
    return (
        f"No model called {text!r}. Available: {available}. To use another model, give the path "
        "of a .safetensors/.ckpt file or a diffusers folder, or add it to Studio's model paths."
    )
