"""Where Studio keeps what it can rebuild: one rule for every layer.

Converted style weights, rendered thumbnails, numba's compiled matting code and fetched dataset
sources all live under one folder, so deleting it only costs the time to rebuild them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ENV_CACHE_DIR = "STUDIO_CACHE_DIR"


def studio_cache_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Studio's cache folder: ``$STUDIO_CACHE_DIR``, else ``$XDG_CACHE_HOME/studio``, else
    ``~/.cache/studio``.
    """
    override = environ.get(ENV_CACHE_DIR)
    if override:
        return Path(override).expanduser()
    xdg = environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "studio"
