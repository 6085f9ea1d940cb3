"""The engine settings file: JSON in the user's config folder (RELIABILITY 8).

A damaged file never stops Studio: it is set aside as ``settings.json.damaged-<time>`` (kept,
so nothing the user wrote is lost), Studio starts with defaults, and the caller gets a warning
to show. Saving is atomic, so a crash mid-save leaves the previous settings in place.
"""

from __future__ import annotations

import json
from pathlib import Path

from studio.domain.errors import ProjectError
from studio.domain.settings import EngineSettings
from studio.imaging.atomic import atomic_write_bytes, set_aside
from studio.project.paths import default_config_dir

SETTINGS_FILE = "settings.json"
SETTINGS_VERSION = 1
# Settings are a few kilobytes; anything far larger is not a settings file.
MAX_SETTINGS_BYTES = 1_000_000

__all__ = [
    "SETTINGS_FILE",
    "default_config_dir",
    "default_settings_path",
    "load_engine_settings",
    "save_engine_settings",
]


def default_settings_path() -> Path:
    """``settings.json`` in :func:`default_config_dir`."""
    return default_config_dir() / SETTINGS_FILE


def load_engine_settings(path: Path | None = None) -> tuple[EngineSettings, str | None]:
    """Read the engine settings, falling back to defaults whatever is wrong with the file.

    Parameters
    ----------
    path
        The settings file; :func:`default_settings_path` when ``None``.

    Returns
    -------
    tuple
        The settings, and a warning for the user when the file could not be used (``None``
        when all is well or there is no file yet).
    """
    target = Path(path) if path is not None else default_settings_path()
    try:
        if target.stat().st_size > MAX_SETTINGS_BYTES:
            return EngineSettings(), _set_aside(target, "it is far too large")
        text = target.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return EngineSettings(), None
    except UnicodeDecodeError:
        return EngineSettings(), _set_aside(target, "it is not text")
    except OSError as exc:
        return EngineSettings(), (
            f"Could not read the engine settings {target} ({exc.strerror or exc}); "
            "Studio started with default settings."
        )
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return EngineSettings(), _set_aside(target, "it is not valid JSON")
    if not isinstance(data, dict):
        return EngineSettings(), _set_aside(target, "it does not hold settings")
    return EngineSettings.from_dict(data), None


def save_engine_settings(settings: EngineSettings, path: Path | None = None) -> None:
    """Write the engine settings atomically (temporary file, flush, rename).

    Raises
    ------
    ProjectError
        If the file cannot be written; the previous settings file is then unchanged.
    """
    target = Path(path) if path is not None else default_settings_path()
    data = {"version": SETTINGS_VERSION, **settings.to_dict()}
    # ASCII-only JSON: any path, even one with undecodable bytes (surrogates), round-trips.
    text = json.dumps(data, indent=2, default=str) + "\n"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, text.encode("ascii"))
    except OSError as exc:
        raise ProjectError(
            f"Could not save the engine settings to {target}: {exc.strerror or exc}. "
            "Check that the folder can be written."
        ) from None


def _set_aside(target: Path, why: str) -> str:
    try:
        moved = set_aside(target)
    except OSError:
        return (
            f"The engine settings file {target} is damaged ({why}) and could not be renamed; "
            "Studio started with default settings."
        )
    return (
        f"The engine settings file was damaged ({why}); it was kept as {moved.name} and "
        "Studio started with default settings."
    )
