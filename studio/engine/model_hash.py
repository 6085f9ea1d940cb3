"""The short model hash AUTOMATIC1111 writes into ``Model hash:`` (first 10 hex of sha256).

Hashing a multi-gigabyte file takes seconds, so results are kept per process, keyed by path,
size and modification time: a replaced file is hashed again, an unchanged one never.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

SHORT_HASH_LENGTH = 10
_CHUNK = 8 * 1024 * 1024
_cache: dict[tuple[str, int, int], str] = {}
_lock = threading.Lock()


def short_hash(path: Path | str) -> str:
    """A1111's short hash of a model file; ``""`` for folders or unreadable paths."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return ""
    if not path.is_file():
        return ""
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        return ""
    value = digest.hexdigest()[:SHORT_HASH_LENGTH]
    with _lock:
        _cache[key] = value
    return value
