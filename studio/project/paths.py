"""Where Studio keeps its files in the user's home: settings and autosaved untitled work.

``STUDIO_CONFIG_DIR`` and ``STUDIO_DATA_DIR`` override the platform folders (tests, portable
installs). On Linux the XDG base-directory variables are honoured when they hold absolute paths,
as the specification asks.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_FOLDER = "studio"


def default_config_dir() -> Path:
    """Folder of the engine settings file.

    ``$STUDIO_CONFIG_DIR``; else ``%APPDATA%\\Studio`` on Windows,
    ``~/Library/Application Support/Studio`` on macOS, ``$XDG_CONFIG_HOME/studio`` or
    ``~/.config/studio`` elsewhere.
    """
    override = os.environ.get("STUDIO_CONFIG_DIR")
    if override:
        return Path(override)
    return _platform_dir(windows_var="APPDATA", xdg_var="XDG_CONFIG_HOME", xdg_default=".config")


def default_data_dir() -> Path:
    """Folder of Studio's own data (autosaved untitled projects live below it).

    ``$STUDIO_DATA_DIR``; else ``%LOCALAPPDATA%\\Studio`` on Windows,
    ``~/Library/Application Support/Studio`` on macOS, ``$XDG_DATA_HOME/studio`` or
    ``~/.local/share/studio`` elsewhere.
    """
    override = os.environ.get("STUDIO_DATA_DIR")
    if override:
        return Path(override)
    return _platform_dir(
        windows_var="LOCALAPPDATA", xdg_var="XDG_DATA_HOME", xdg_default=".local/share"
    )


def default_recovery_dir() -> Path:
    """Folder where untitled projects are committed as they grow (RELIABILITY 7)."""
    return default_data_dir() / "recovery"


def _platform_dir(*, windows_var: str, xdg_var: str, xdg_default: str) -> Path:
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get(windows_var)
        return Path(base) / "Studio" if base else home / "AppData" / "Roaming" / "Studio"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "Studio"
    base = os.environ.get(xdg_var, "")
    root = Path(base) if base and Path(base).is_absolute() else home / xdg_default
    return root / APP_FOLDER
