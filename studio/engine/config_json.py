"""Reading the small JSON files that travel with models, with limits (RELIABILITY 4, 22).

``model_index.json``, component ``config.json`` files and ``studio_model.json`` come from
downloads and caches: one nested a hundred thousand levels deep made ``json.loads`` raise
RecursionError, and one that is a FIFO would block forever. Every such read goes through
:func:`read_config_json`, which fails with :class:`ValueError` (what callers already treat as
"broken file") for anything that is not a modest, regular JSON file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from studio.domain.files import special_file_kind
from studio.domain.json_depth import JsonRefusedError, loads_bounded

# The largest honest config (an SDXL UNet's) is about 2 KB; a safetensors index about 200 KB.
MAX_CONFIG_BYTES = 4 * 1024 * 1024
MAX_CONFIG_DEPTH = 64


class ConfigFileError(ValueError):
    """A model's JSON file is not a regular, modest, shallow JSON document."""


def read_config_json(path: Path) -> Any:
    """Parse a model's JSON file.

    Raises
    ------
    OSError
        If it cannot be read (missing, a folder, permissions).
    ConfigFileError
        If it is a special file, larger than :data:`MAX_CONFIG_BYTES`, nested deeper than
        :data:`MAX_CONFIG_DEPTH` or not JSON.
    """
    kind = special_file_kind(path)
    if kind is not None:
        raise ConfigFileError(f"{path.name} is {kind}")
    with open(path, "rb") as stream:
        raw = stream.read(MAX_CONFIG_BYTES + 1)
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigFileError(f"{path.name} is larger than {MAX_CONFIG_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigFileError(f"{path.name} is not UTF-8 text") from None
    try:
        return loads_bounded(text, max_depth=MAX_CONFIG_DEPTH)
    except JsonRefusedError as exc:
        raise ConfigFileError(f"{path.name} {exc}") from None
