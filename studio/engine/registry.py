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
from pathlib import Path

from studio.domain.errors import ModelLoadError, ModelNotFoundError
from studio.domain.files import require_regular_file
from studio.domain.model_kind import AddonInfo, ModelKind
from studio.domain.models import ModelFamily, ModelInfo, ModelSource
from studio.domain.settings import EngineSettings
from studio.engine.builtin import discover_builtin_models
from studio.engine.model_folders.files import describe_file
from studio.engine.model_folders.layouts import install_around
from studio.engine.model_folders.scan import FolderScan, scan_folder
from studio.engine.model_folders.user_paths import Listing, folder_model, scan_user_paths
from studio.engine.safe_load import MODEL_FILE_SUFFIXES
from studio.engine.sd.hf_cache import find_cached_pipeline, scan_hf_pipelines
from studio.engine.sd.model_files import inspect_model_file

log = logging.getLogger(__name__)

SD_FAMILIES = frozenset({ModelFamily.SD1, ModelFamily.SD2, ModelFamily.SDXL})
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
        self._cached: Listing | None = None
        self._lock = threading.Lock()
        # Installs around models loaded by path this session: their add-ons count, unsaved.
        self._installs_in_use: tuple[str, ...] = ()

    @property
    def settings(self) -> EngineSettings:
        return self._settings

    def update_settings(self, settings: EngineSettings) -> None:
        """Use new settings; the next listing rescans."""
        with self._lock:
            self._settings = settings
            self._cached = None

    def refresh(self) -> list[ModelInfo]:
        """Rescan every source and return the fresh list of checkpoints."""
        listing = self._scan()
        with self._lock:
            self._cached = listing
        return list(listing.checkpoints)

    def models(self) -> list[ModelInfo]:
        """The checkpoints the model picker offers: built-in models first (the default one
        leading), then user models, then HF cache. Add-ons are in :meth:`addons`."""
        return list(self._listing().checkpoints)

    def addons(self, kind: ModelKind | None = None) -> list[AddonInfo]:
        """The add-ons in the user's folders (LoRAs, embeddings, upscalers...), of ``kind``
        only when given, in the order found."""
        found = self._listing().addons
        return [a for a in found if kind is None or a.kind is kind]

    def find(self, kind: ModelKind, name: str) -> AddonInfo | None:
        """The add-on of ``kind`` called ``name`` (the file name without suffix, any case, as
        ``<lora:NAME:1>`` writes it) or at the path ``name``; ``None`` if there is none."""
        folded = name.strip().casefold()
        candidates = self.addons(kind)
        exact = next((a for a in candidates if a.location == name), None)
        return exact or next((a for a in candidates if a.name.casefold() == folded), None)

    def problems(self) -> list[str]:
        """One line per file or folder the last scan skipped, each saying what to do."""
        return list(self._listing().problems)

    def _listing(self) -> Listing:
        with self._lock:
            cached = self._cached
        if cached is None:
            self.refresh()
            with self._lock:
                cached = self._cached
        assert cached is not None
        return cached

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
        single = folder_model(path, self._builtin_dir())
        if single is not None:
            return single
        found = scan_folder(path).checkpoints
        if not found:
            raise ModelNotFoundError(_holds_no_model(path))
        return found[0]

    def inspect_addition(self, path: str | Path) -> ModelInfo | AddonInfo | FolderScan:
        """What ``studio models --add PATH`` adds: one model, one add-on, or a folder's scan.

        A file is validated as :meth:`inspect_path` does when it is a checkpoint; an add-on
        file is described from its keys. A folder that is not one model is walked by its
        tool's layout (A1111/Forge, ComfyUI, InvokeAI or plain).

        Raises
        ------
        ModelNotFoundError
            If the path does not exist or a folder holds nothing Studio recognises.
        DamagedModelError, UnsafeModelError, ModelLoadError
            If a single file is broken, would run code, or is not a model of any kind.
        """
        path = Path(path).expanduser()
        if not (path_exists(path) and path.is_dir()):
            return self._inspect_file_addition(path)
        resolved = path.resolve()
        single = folder_model(resolved, self._builtin_dir())
        if single is not None:
            return single
        scan = scan_folder(resolved)
        if not (scan.checkpoints or scan.addons):
            raise ModelNotFoundError(_holds_no_model(resolved, scan.problems))
        return scan

    def _inspect_file_addition(self, path: Path) -> ModelInfo | AddonInfo:
        # A .ckpt is a checkpoint by convention and is validated by unpickling it safely.
        if path.is_file() and path.suffix.lower() in MODEL_FILE_SUFFIXES - {".ckpt"}:
            found = describe_file(path.resolve())
            if isinstance(found, AddonInfo):
                return found
        return self.inspect_path(path)

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

    def note_model_in_use(self, location: str) -> None:
        """Let a model loaded by its path bring the add-ons its tool keeps beside it.

        ``studio generate --model ~/webui/models/Stable-diffusion/x.safetensors`` then finds
        ``<lora:NAME>`` in that install's ``models/Lora`` without ``studio models --add``. The
        install counts for this session only, for add-ons only: the model picker and the saved
        settings do not change.
        """
        install = install_around(Path(location)) if location else None
        if install is None or str(install) in (*self._settings.model_paths, *self._installs_in_use):
            return
        with self._lock:
            self._installs_in_use = (*self._installs_in_use, str(install))
            self._cached = None

    def _scan(self) -> Listing:
        settings = self._settings
        user = scan_user_paths(settings.model_paths, self._builtin_dir())
        models = list(discover_builtin_models(self._builtin_dir())) + user.checkpoints
        if settings.scan_hf_cache:
            models += scan_hf_pipelines(settings.hf_cache_dir)
        addons, problems = user.addons, user.problems
        if self._installs_in_use:
            around = scan_user_paths(self._installs_in_use, None)
            addons, problems = addons + around.addons, problems + around.problems
        return Listing(_deduplicated(models), _unique_addons(addons), problems)


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


def _holds_no_model(folder: Path, problems: list[str] | None = None) -> str:
    first = f" ({problems[0]})" if problems else ""
    return (
        f"{folder.name} holds no model{first}: choose a .safetensors or .ckpt file, a "
        "diffusers folder (one with model_index.json), or a folder of models or add-ons."
    )


def _unique_addons(addons: list[AddonInfo]) -> list[AddonInfo]:
    """Each add-on file once, however many added folders reach it."""
    return list({addon.location: addon for addon in addons}.values())


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
