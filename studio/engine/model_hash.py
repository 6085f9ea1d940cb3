"""Hashes of model files, streamed and remembered: the one place a model file is hashed.

:func:`file_sha256` is the full digest (the style-weights cache keys on it); :func:`short_hash` is
the short model hash AUTOMATIC1111 writes into ``Model hash:`` (first 10 hex of the same digest).
Hashing a multi-gigabyte file takes seconds, so results are kept per process, keyed by path,
size and modification time: a replaced file is hashed again, an unchanged one never. Files are
read in chunks, never whole, so hashing costs no more memory than one chunk.
"""

from __future__ import annotations

import hashlib
import stat as stat_module
import threading
from pathlib import Path

SHORT_HASH_LENGTH = 10
_CHUNK = 8 * 1024 * 1024
_cache: dict[tuple[str, int, int, int], str] = {}
_lock = threading.Lock()


def file_sha256(path: Path | str, start: int = 0) -> str:
    """The sha256 of a file (from byte ``start`` on) as 64 hex digits, chunked and cached.

    Raises
    ------
    OSError
        If the file cannot be read, or is not a regular file (a FIFO would never end).
    """
    path = Path(path)
    stat = path.stat()
    if not stat_module.S_ISREG(stat.st_mode):
        raise IsADirectoryError(f"{path.name} is not a regular file")
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, start)
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        stream.seek(start)
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    value = digest.hexdigest()
    with _lock:
        _cache[key] = value
    return value


def short_hash(path: Path | str) -> str:
    """A1111's short hash of a model file; ``""`` for folders or unreadable paths."""
    try:
        return file_sha256(path)[:SHORT_HASH_LENGTH]
    except OSError:
        return ""
